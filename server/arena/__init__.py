"""The arena: named models seated against each other on a balanced schedule, rated and reported."""
