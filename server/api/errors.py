"""Every error as HTTP: one status per kind of refusal, and one body shape for all of them.

Whatever goes wrong — the game refuses, a field does not validate, the body is too big
or not JSON, the path or method is unknown — the answer is::

    {"detail": {"code": "...", "message": "...", "fields": [{"loc": [...], "msg": "..."}]}}

``fields`` names what was wrong in a request that did not validate (empty otherwise).
Nothing the client sent is echoed back: a 10 MB field costs its sender, not the server.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from server.refusals import Refused, Why
from shared.text import clean

STATUS: dict[Why, int] = {
    "not_found": 404,
    "unauthorized": 401,
    "forbidden": 403,
    "conflict": 409,
    "busy": 409,
    "invalid": 422,
    "bad_request": 400,
    "too_many": 429,
    "unavailable": 503,  # full, or the store can't be written: nothing acknowledged
}
MAX_FIELDS = 20  # problems listed in one answer: enough to fix a request, never a flood
MAX_TEXT = 300  # characters of a message or a location part


class FieldProblem(BaseModel):
    """One thing wrong in a request: where (``["body", "text"]``, ``["query", "after"]``) and what."""

    loc: list[str | int]
    msg: str


class RefusalDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldProblem] = []


class RefusalBody(BaseModel):
    """What every 4xx (and 5xx) answers: ``{"detail": {"code", "message", "fields"}}``."""

    detail: RefusalDetail


ErrorBody = RefusalBody

# What each status means, in the OpenAPI document.
DESCRIPTIONS: dict[int, str] = {
    400: "Bad request",
    401: "No token, or not a bearer token",
    403: "This token may not do that",
    404: "No such game",
    409: "Not now: the game is elsewhere (another turn, already started, over…)",
    413: "The body is larger than the server accepts",
    422: "The request does not validate: `fields` says where and why",
    429: "Too many requests from this client: `Retry-After` says when to try again",
    503: "The server can't take it now (full, or its disk refuses writes): try again later",
}
BODY_STATUSES = (413, 422)  # what any route that reads a body may answer


def refusal_responses(*whys: Why | int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route that may refuse for these reasons (or with these
    statuses): each with the one error body."""
    out: dict[int | str, dict[str, Any]] = {}
    for w in whys:
        status = w if isinstance(w, int) else STATUS[w]
        out[status] = {"model": RefusalBody, "description": DESCRIPTIONS.get(status, "Refused")}
    return out


def error_body(code: str, message: str, fields: list[FieldProblem] | None = None) -> dict:
    detail = RefusalDetail(code=code, message=clean(message)[:MAX_TEXT], fields=fields or [])
    return RefusalBody(detail=detail).model_dump()


def error_response(
    status: int, code: str, message: str, fields: list[FieldProblem] | None = None, **kw: Any
) -> JSONResponse:
    return JSONResponse(error_body(code, message, fields), status_code=status, **kw)


def refusal_response(e: Refused) -> JSONResponse:
    """The refusal as HTTP (also for the middleware, which answers before any route)."""
    headers = {"Retry-After": str(e.retry_after)} if e.retry_after is not None else None
    return error_response(STATUS[e.why], e.code, e.message, headers=headers)


async def _refused(_request: Request, e: Exception) -> JSONResponse:
    assert isinstance(e, Refused)
    return refusal_response(e)


def _where(loc: Any) -> list[str | int]:
    parts = loc if isinstance(loc, (list, tuple)) else [loc]
    return [p if isinstance(p, int) else clean(str(p))[:MAX_TEXT] for p in parts]


def _problems(errors: Any) -> list[FieldProblem]:
    """FastAPI's validation errors without what was sent (``input``, ``ctx``): where and why."""
    out = []
    for err in list(errors)[:MAX_FIELDS]:
        msg = clean(str(err.get("msg", "")))[:MAX_TEXT]
        out.append(FieldProblem(loc=_where(err.get("loc", ())), msg=msg))
    return out


def _sentence(fields: list[FieldProblem], total: int) -> str:
    parts = []
    for f in fields[:3]:
        where = ".".join(str(p) for p in f.loc if p not in ("body", "query", "path", "header"))
        parts.append(f"{where}: {f.msg}" if where else f.msg)
    more = f" (and {total - 3} more)" if total > 3 else ""
    return "; ".join(parts) + more


async def _invalid(_request: Request, e: Exception) -> JSONResponse:
    assert isinstance(e, RequestValidationError)
    errors = e.errors()
    fields = _problems(errors)
    return error_response(422, "invalid", _sentence(fields, len(errors)), fields)


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


async def _http(_request: Request, e: Exception) -> JSONResponse:
    """Starlette's own refusals (unknown path, wrong method, unreadable body)."""
    assert isinstance(e, HTTPException)
    code = HTTP_CODES.get(e.status_code, "error" if e.status_code >= 500 else "refused")
    message = e.detail if isinstance(e.detail, str) else code.replace("_", " ")
    return error_response(e.status_code, code, message, headers=e.headers)


async def _crashed(_request: Request, _e: Exception) -> JSONResponse:
    """A bug: said in the one shape (the server logs the traceback)."""
    return error_response(500, "internal", "the server failed; its log says why")


def _document_one_shape(app: FastAPI) -> None:
    """FastAPI documents a 422 of its own shape on every route with parameters that does
    not list one: it is answered in ours (:func:`_invalid`), so the document says so."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = build()
        ours = {
            "description": DESCRIPTIONS[422],
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/RefusalBody"}}
            },
        }
        for operations in doc.get("paths", {}).values():
            for op in operations.values():
                answer = op.get("responses", {}).get("422", {})
                if "HTTPValidationError" in str(answer):
                    op["responses"]["422"] = ours
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        for model in (RefusalBody, RefusalDetail, FieldProblem):
            name = model.__name__
            if name not in schemas:
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(schema.pop("$defs", {}))
                schemas[name] = schema
        app.openapi_schema = doc
        return doc

    app.openapi = openapi


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _crashed)
    _document_one_shape(app)


__all__ = [
    "BODY_STATUSES",
    "STATUS",
    "ErrorBody",
    "FieldProblem",
    "RefusalBody",
    "error_body",
    "error_response",
    "install_error_handlers",
    "refusal_response",
    "refusal_responses",
]
