"""httpx's own command line, loaded only if it runs.

``import httpx`` imports ``httpx._main``, httpx's command line, whenever what it needs is
installed (else it puts a stub in its place): click (uvicorn needs it), Rich and Pygments
(Textual's). Those imports were
about 90 ms of CPU in every ``werewolf`` process that talks HTTP, and none of them runs
httpx's command line: 8% of ``werewolf play``'s CPU to its first frame, which it spends
while its private server starts beside it (bench/perf_game.py). Upstream knows it:
encode/httpx#3547 (open) moves the import into ``httpx/__main__.py``.

:func:`install` puts a finder first on ``sys.meta_path`` that answers for ``httpx._main``
only: a module holding a ``main`` that loads the real ``httpx._main`` when it is called,
and calls its ``main``. ``httpx.main`` is that function; anything that imports
``httpx._main`` after it was called gets the real module (before, the stand-in has only
``main``: nothing here uses the module's other names). Where httpx has no ``_main`` (a
release that dropped it), the finder steps aside; where click or Rich is missing, calling
``main`` says so as httpx would.

Why not ``importlib.util.LazyLoader``: ``from ._main import main`` reads ``main`` at once,
which would load the module there and then.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

NAME = "httpx._main"
_lock = threading.Lock()


class _Deferred:  # (a loader: not importlib.abc's, 20 ms of imports)
    """Makes the stand-in ``httpx._main``: only its ``main``, which loads the real one."""

    @staticmethod
    def create_module(spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module

    @staticmethod
    def exec_module(module: ModuleType) -> None:
        def main(*args: Any, **kwargs: Any) -> Any:
            try:
                real = _real()
            except ImportError:  # what httpx itself says without its CLI's packages
                print(
                    "The httpx command line client could not run because the required "
                    "dependencies were not installed.\nMake sure you've installed "
                    "everything with: pip install 'httpx[cli]'\n"
                )
                sys.exit(1)
            return real.main(*args, **kwargs)

        main.__doc__ = "httpx's command line (``httpx._main.main``, loaded when called)."
        module.main = main  # type: ignore[attr-defined]


def _real() -> ModuleType:
    """The real ``httpx._main``, imported now (once) in place of the stand-in."""
    with _lock:
        module = sys.modules.get(NAME)
        if (
            module is not None
            and module.__spec__ is not None
            and module.__spec__.loader is _Deferred
        ):
            del sys.modules[NAME]
        _Finder.passing = True
        try:
            return importlib.import_module(NAME)
        finally:
            _Finder.passing = False


class _Finder:
    passing = False  # the real module is being imported: step aside

    @classmethod
    def find_spec(
        cls, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != NAME or cls.passing:
            return None
        real = importlib.machinery.PathFinder.find_spec(name, path)
        if real is None:
            return None
        real.loader = _Deferred  # type: ignore[assignment]  (the same module, made otherwise)
        return real


def install() -> None:
    """Put the finder first (once); a no-op if httpx is imported already."""
    if "httpx" in sys.modules or any(f is _Finder for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder)


__all__ = ["NAME", "install"]
