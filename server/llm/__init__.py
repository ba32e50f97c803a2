"""LLM bots: DSPy programs over any OpenAI-compatible server, streamed token by token.

Importing this package sets ``LITELLM_LOCAL_MODEL_COST_MAP`` before anything here
imports DSPy, so nothing reaches for the network at import.
"""

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
