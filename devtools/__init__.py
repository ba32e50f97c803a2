"""Tools for developing and testing the game, not part of it: the scripted OpenAI-compatible server."""
