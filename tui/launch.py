"""Opening the app at a game: read the game's snapshot for its size and language, then run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from shared.events import GameView
from tui.client import GameClient


def run_app(
    server_url: str,
    game_id: str | None,
    token: str | None,
    start: bool = False,
    you: int | None = None,
    table: tuple[int, str] | None = None,
    make_game: Callable[[GameClient], Awaitable[None]] | None = None,
) -> int:
    """``table``: the game's (players, language), when the caller made it and knows them
    (with ``you``): the app opens at once, without asking the server first. ``make_game``
    (with ``table`` and ``you``): the game is not made yet; the app makes it, once open
    (``WerewolfApp``)."""
    from tui.app import NewTable, WerewolfApp

    while True:
        client = GameClient(server_url, token=token, game_id=game_id)
        if table is not None and you is not None:
            players, lang = table
        else:
            snap = asyncio.run(_peek(client))
            you = snap.state.you if snap.state.you is not None else you
            players, lang = snap.state.players, snap.state.lang
        app = WerewolfApp(
            client=client, you=you, players=players, start=start, lang=lang, make_game=make_game
        )
        again = app.run()
        if not isinstance(again, NewTable):  # quit (or the game could not be made)
            return app.return_code or 0
        # n after game over: the next game, on the same server, in a fresh app
        game_id, token, you, start, table = again.game_id, again.token, again.you, True, None
        make_game = None


async def _peek(client: GameClient) -> GameView:
    # A short-lived client of its own: the app's runs on the app's event loop.
    async with GameClient(client.base_url, token=client.token, game_id=client.game_id) as peek:
        return await peek.snapshot()


def join_command(code: str, server: str) -> str:
    """What another player types to sit at ``code``: ``--server`` only when it isn't the
    default (the lobby shows it; ``werewolf host`` prints it)."""
    from shared.settings import Settings

    default = Settings.from_env({}).server
    where = "" if not server or server.rstrip("/") == default.rstrip("/") else f" --server {server}"
    return f"werewolf join {code}{where}"
