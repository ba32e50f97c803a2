"""The game's refusals as HTTP: one status per kind of refusal, one body shape."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from server.refusals import Refused, Why

STATUS: dict[Why, int] = {
    "not_found": 404,
    "unauthorized": 401,
    "forbidden": 403,
    "conflict": 409,
    "busy": 409,
    "invalid": 422,
    "bad_request": 400,
    "too_many": 429,
    "unavailable": 503,
}


class RefusalDetail(BaseModel):
    code: str
    message: str


class RefusalBody(BaseModel):
    """What every refusal answers: ``{"detail": {"code": ..., "message": ...}}``."""

    detail: RefusalDetail


def refusal_responses(*whys: Why) -> dict[int | str, dict]:
    """The OpenAPI ``responses`` of a route that may refuse for these reasons."""
    return {STATUS[w]: {"model": RefusalBody} for w in whys}


def refusal_response(e: Refused) -> JSONResponse:
    """The refusal as HTTP (also for the middleware, which answers before any route)."""
    body = RefusalBody(detail=RefusalDetail(code=e.code, message=e.message))
    headers = {"Retry-After": str(e.retry_after)} if e.retry_after is not None else None
    return JSONResponse(body.model_dump(), status_code=STATUS[e.why], headers=headers)


async def _refused(_request: Request, e: Exception) -> JSONResponse:
    assert isinstance(e, Refused)
    return refusal_response(e)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Refused, _refused)


__all__ = [
    "STATUS",
    "RefusalBody",
    "install_error_handlers",
    "refusal_response",
    "refusal_responses",
]
