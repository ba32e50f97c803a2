"""Opening the app at a game: read the game's snapshot for its size and language, then run."""

from __future__ import annotations

import asyncio

from shared.events import GameView
from tui.client import GameClient


def run_app(
    server_url: str, game_id: str, token: str, start: bool = False, you: int | None = None
) -> int:
    from tui.app import NewTable, WerewolfApp

    while True:
        client = GameClient(server_url, token=token, game_id=game_id)
        snap = asyncio.run(_peek(client))
        app = WerewolfApp(
            client=client,
            you=snap.state.you if snap.state.you is not None else you,
            players=snap.state.players,
            start=start,
            lang=snap.state.lang,
        )
        again = app.run()
        if not isinstance(again, NewTable):  # quit
            return 0
        # n after game over: the next game, on the same server, in a fresh app
        game_id, token, you, start = again.game_id, again.token, again.you, True


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
