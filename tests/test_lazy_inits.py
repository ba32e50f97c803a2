"""Two third-party package ``__init__`` files run only when used (server/lazy_inits.py):
the game graph imports without them, and whoever asks for one of their names still gets it.
And httpx's command line is loaded only if it runs (cli/lazy_httpx_cli.py).
Each check runs in a fresh interpreter: this test process has imported LangGraph long ago."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fresh(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_the_game_graph_imports_without_langsmiths_models_or_the_sdks_client():
    seen = _fresh(
        "import json, sys\n"
        "import server.graph, server.checkpoint_saver, langgraph.checkpoint.memory\n"
        "print(json.dumps({\n"
        "  'models': sorted(m for m in sys.modules if m.startswith('langsmith.types.')),\n"
        "  'client': 'langgraph_sdk.client' in sys.modules,\n"
        "}))\n"
    )
    assert seen["models"] == ["langsmith.types.run_select_field"]  # 164 when run in full
    assert seen["client"] is False


def test_a_name_asked_of_a_lazy_package_runs_its_init_and_is_the_real_one():
    seen = _fresh(
        "import json, sys, threading\n"
        "import server.graph\n"
        "import langsmith.types as types, langgraph_sdk\n"
        "got = []\n"
        "def ask(): got.append(types.Dataset)\n"  # two threads at once: one runs __init__
        "threads = [threading.Thread(target=ask) for _ in range(2)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "from langsmith.types.dataset import Dataset\n"
        "from langgraph_sdk import Auth, get_client\n"
        "from langgraph_sdk.auth import Auth as RealAuth\n"
        "try:\n"
        "    types.NoSuchName\n"
        "    missing = None\n"
        "except AttributeError as e:\n"
        "    missing = str(e)\n"
        "print(json.dumps({\n"
        "  'same': got == [Dataset, Dataset], 'auth': Auth is RealAuth,\n"
        "  'client': callable(get_client), 'version': langgraph_sdk.__version__,\n"
        "  'models': sum(m.startswith('langsmith.types.') for m in sys.modules),\n"
        "  'missing': missing, 'lazy_left': '__getattr__' in vars(types),\n"
        "}))\n"
    )
    assert seen["same"] and seen["auth"] and seen["client"]
    assert seen["version"]
    assert seen["models"] > 100  # the whole ``__init__`` ran once asked
    assert seen["missing"] and "NoSuchName" in seen["missing"]
    assert seen["lazy_left"] is False  # the package is as Python would have made it


def test_a_werewolf_process_imports_httpx_without_its_command_line_until_it_runs():
    seen = _fresh(
        "import contextlib, io, json, sys\n"
        "import cli, httpx, httpx_sse, tui.client\n"
        "cli_mods = sorted(m for m in ('click', 'pygments', 'rich.progress') if m in sys.modules)\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        httpx.main(['--help'])\n"
        "    except SystemExit as e:\n"
        "        code = e.code\n"
        "real = sys.modules['httpx._main']\n"
        "print(json.dumps({'before': cli_mods, 'code': code, 'usage': 'Usage' in out.getvalue(),\n"
        "  'real': real.__file__.endswith('_main.py') and 'click' in sys.modules}))\n"
    )
    assert seen["before"] == []  # click, pygments and rich.progress when loaded at once
    assert seen["code"] == 0 and seen["usage"]  # httpx.main is httpx's command line
    assert seen["real"]  # loaded in full once it ran


def test_httpx_main_without_its_command_lines_packages_says_so_as_httpx_would():
    seen = _fresh(
        "import contextlib, io, json, sys\n"
        "class NoClick:\n"
        "    @staticmethod\n"
        "    def find_spec(name, path=None, target=None):\n"
        "        if name == 'click': raise ImportError('no click here')\n"
        "sys.meta_path.insert(0, NoClick)\n"
        "import cli, httpx\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        httpx.main([])\n"
        "    except SystemExit as e:\n"
        "        code = e.code\n"
        "print(json.dumps({'code': code, 'said': out.getvalue()}))\n"
    )
    assert seen["code"] == 1
    assert "pip install 'httpx[cli]'" in seen["said"]
