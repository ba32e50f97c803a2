"""The API against its own OpenAPI document, fuzzed by schemathesis on a real server.

Every operation is called with data generated from the document (valid and invalid),
first as a stranger (random game ids and tokens), then as a seated player of a real
game that waits on that player's speech. The checks: no 5xx, every status is one the
document lists for that route, and every body matches the documented schema.

The budget is fixed (examples per operation), so the run stays a few seconds long.
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from conftest import ServerProcess
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
STRANGER_EXAMPLES = 50  # per operation
PLAYER_EXAMPLES = 50  # per operation a seated player may call
BUDGET = settings(
    max_examples=STRANGER_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases every run: a failure here is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)
# SSE answers stream until the game ends: a seated player's stream would hold the test.
STREAMING = ("/games/{game_id}/events", "/games/{game_id}/start", "/games/{game_id}/advance")


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> ServerProcess:
    proc = ServerProcess(tmp_path_factory.mktemp("schema-server")).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def api_schema(api):
    return schemathesis.openapi.from_url(f"{api.url}/openapi.json")


@pytest.fixture(scope="module")
def seated(api) -> dict:
    """A started game waiting on its human, seat 2 (the strangers' pass never sees it:
    it calls with made-up ids)."""
    with httpx.Client(base_url=api.url, timeout=30) as c:
        g = c.post("/games", json={"humans": [2], "pace": 0, "seed": 40, "players": 9}).json()
        # Read to the segment's end: the game then waits on its human, its state saved.
        r = c.post(f"/games/{g['game_id']}/start", headers=_auth(g["tokens"]["2"]))
        assert r.status_code == 200 and "event: snapshot" in r.text
    return g


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@BUDGET
def test_strangers_get_documented_answers(case, api):
    """Random ids and tokens: the game's routes mostly refuse, each refusal documented."""
    case.call_and_validate(base_url=api.url, checks=CHECKS, timeout=30)


@schema.exclude(path=list(STREAMING)).parametrize()
@settings(BUDGET, max_examples=PLAYER_EXAMPLES)
def test_a_seated_player_gets_documented_answers(case, api, seated):
    """The same routes on a real game with a real seat's token: deeper in, still documented."""
    if "game_id" in (case.path_parameters or {}):
        case.path_parameters["game_id"] = seated["game_id"]
    case.headers = {**(case.headers or {}), **_auth(seated["tokens"]["2"])}
    case.call_and_validate(base_url=api.url, checks=CHECKS, timeout=30)


def test_the_app_serves_every_declared_route_once_in_order_with_its_modules_tag():
    """Each api module's routes are on the app itself, in the order declared (the order
    they are matched in), tagged with their module's tag (server/api/routes.py: added to
    the app, not included as a router, which FastAPI builds a second time)."""
    from fastapi.routing import APIRoute

    from server.api import actions, calls, games, health, streams
    from server.app import create_app

    declared = [
        (path, sorted(options["methods"]), module.router.tags)
        for module in (health, games, actions, streams, calls)
        for path, _handler, options in module.router.declared
    ]
    served = [
        (r.path, sorted(r.methods), r.tags)
        for r in create_app(None).routes
        if isinstance(r, APIRoute)
    ]
    assert served == declared and len(served) == len(set((p, tuple(m)) for p, m, _ in served))
    assert ("/games", ["POST"], ["games"]) in served


def test_no_route_waits_for_a_worker_thread():
    """FastAPI runs a route, or a dependency, written as a plain function in a worker
    thread: a hop there and back, and one of anyio's 40 threads, for each request. Every
    route and every dependency under it is a coroutine (or an async generator, or an object
    whose call is one). (``moderator`` was not: every request naming a game went through a
    thread, and a crowd's streams left 40 of them behind.)"""
    import inspect

    from fastapi.routing import APIRoute

    from server.app import create_app

    def awaited(call) -> bool:
        if not inspect.isroutine(call):  # an object called (HTTPBearer): its class's call
            call = type(call).__call__
        return inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)

    def calls(dependant):
        yield dependant.call
        for sub in dependant.dependencies:
            yield from calls(sub)

    routes = [r for r in create_app(None).routes if isinstance(r, APIRoute)]
    threaded = {
        (route.path, getattr(call, "__qualname__", repr(call)))
        for route in routes
        for call in calls(route.dependant)
        if not awaited(call)
    }
    assert routes and threaded == set()
