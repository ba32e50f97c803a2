"""Opening the app at a game: read the game's snapshot for its size and language, then run."""

from __future__ import annotations

import asyncio

from shared.events import GameView
from tui.client import GameClient


def run_app(
    server_url: str, game_id: str, token: str, start: bool = False, you: int | None = None
) -> int:
    from tui.app import WerewolfApp

    client = GameClient(server_url, token=token, game_id=game_id)
    snap = asyncio.run(_peek(client))
    app = WerewolfApp(
        client=client,
        you=snap.state.you if snap.state.you is not None else you,
        players=snap.state.players,
        start=start,
        lang=snap.state.lang,
    )
    app.run()
    return 0


async def _peek(client: GameClient) -> GameView:
    # A short-lived client of its own: the app's runs on the app's event loop.
    async with GameClient(client.base_url, token=client.token, game_id=client.game_id) as peek:
        return await peek.snapshot()
