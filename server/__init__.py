"""The game server. Importing it first makes two of LangGraph's dependencies' package
``__init__`` files run only when used (server/lazy_inits.py): half of the graph's import."""

from server.lazy_inits import install

install()
