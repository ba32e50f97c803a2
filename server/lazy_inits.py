"""Two third-party packages whose ``__init__`` is run only when something asks it for a name.

LangGraph imports ``langsmith.types.run_select_field`` (through ``langchain_core``'s tracers
and ``langsmith.run_trees``) and ``langgraph_sdk.auth.types`` (through ``langgraph.runtime``).
Each is a small module, but Python first runs its package's ``__init__``, and both of those
only re-export: ``langsmith/types/__init__.py`` imports all of its 164 generated pydantic
models, ``langgraph_sdk/__init__.py`` the SDK's HTTP client. Neither is used by this server
(no LangSmith tracing, no LangGraph Platform). Together they were about 0.5 s of the 1.4 s
of CPU that importing the game graph took: the largest part of a server's start, and of
``werewolf play``'s first screen (bench/perf_game.py; docs/benchmarks.md, session 13).

:func:`install` puts a finder first on ``sys.meta_path`` that, for these two names only,
makes the package without running its ``__init__``: its ``__path__`` is there, so its
submodules import as usual. The first time anything reads a name the package does not
have yet (``langsmith.types.Run``, ``langgraph_sdk.get_client``), its ``__init__`` runs, in
full, and the name is looked up again: what a caller sees is the package as it would have
been, only later. If a package is not found, or not a package any more, the finder steps
aside and Python imports it as usual.

Why not ``importlib.util.LazyLoader``: it runs the module on any attribute read, and the
import system reads the package's ``__path__`` to import a submodule, which is exactly what
LangGraph does first.
"""

from __future__ import annotations

import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

LAZY_INITS = frozenset({"langsmith.types", "langgraph_sdk"})


class _LaterInit:  # (a loader: not importlib.abc's, 20 ms of imports)
    """Makes the package; its real loader runs ``__init__`` on the first name asked for."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        real, lock = self.real, threading.RLock()
        running = False

        def __getattr__(name: str) -> Any:  # PEP 562: only for names the module lacks
            nonlocal running
            with lock:  # another thread waits for the whole ``__init__``
                if module.__dict__.get("__getattr__") is __getattr__ and not running:
                    running = True
                    try:
                        real.exec_module(module)
                    finally:
                        running = False
                    if module.__dict__.get("__getattr__") is __getattr__:
                        del module.__dict__["__getattr__"]
                    module.__loader__ = real
                    if module.__spec__ is not None:
                        module.__spec__.loader = real
                elif running:  # asked from inside its own ``__init__``: not there yet
                    raise AttributeError(f"partially initialized module {module.__name__!r}")
            return getattr(module, name)

        module.__getattr__ = __getattr__  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> Any:  # resources and the like: the real loader's
        return getattr(self.real, name)


class _LaterInits:  # (a finder on sys.meta_path)
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in LAZY_INITS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not spec.submodule_search_locations:
            return None  # not there, or no longer a package: Python's own import
        spec.loader = _LaterInit(spec.loader)  # type: ignore[arg-type]
        return spec


def install() -> None:
    """Once per process, before LangGraph is imported (``server/__init__.py`` calls it)."""
    if not any(isinstance(f, _LaterInits) for f in sys.meta_path):
        sys.meta_path.insert(0, _LaterInits())


__all__ = ["LAZY_INITS", "install"]
