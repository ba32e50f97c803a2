"""Is the server up, and which protocol does it speak."""

from __future__ import annotations

from shared.events import PROTOCOL_VERSION

from .routes import Routes

router = Routes(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict:
    return {"ok": True, "protocol": PROTOCOL_VERSION}
