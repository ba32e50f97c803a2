"""What a request's body must be before any route sees it (an ASGI middleware).

- At most ``max_body_bytes`` (``WEREWOLF_MAX_BODY_BYTES``, 64 KiB by default): a larger
  declared ``Content-Length`` is refused with 413 before a byte of the body is read, and
  a body that grows past the cap as it arrives is refused there.
- A JSON body (``Content-Type`` absent or JSON, as FastAPI reads it) is strict JSON, UTF-8:
  no ``NaN``, ``Infinity`` or a number too large for a float, no lone surrogate
  (``"\\ud800"``), nesting at most 200 deep. Anything else is refused with 422 naming the
  problem. Python's ``json`` accepts all of these, and then nothing downstream can encode
  them: they used to end in a 500 and a traceback holding the body.

Both answers have the one error shape (:mod:`server.api.errors`) and echo nothing back.
Routes then parse the body as usual, checked and at most a few KiB.
"""

from __future__ import annotations

import math
from typing import Any

import pydantic_core
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import FieldProblem, error_response

WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DRAIN_BYTES = 32 * 1024 * 1024


def _reads_as_json(content_type: str | None) -> bool:
    """Whether FastAPI will decode this body as JSON (no content type counts as JSON)."""
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def json_problem(body: bytes) -> str | None:
    """What makes ``body`` not strict JSON, in a sentence, or None when it is."""
    try:
        value = pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError as e:
        why = str(e)
        if "surrogate" in why or "hex escape" in why:
            return f"a string holds a lone surrogate (\\ud800-\\udfff), which is not text ({why})"
        try:
            pydantic_core.from_json(body, allow_inf_nan=True)
        except ValueError:
            return f"the body is not JSON: {why}"
        return "NaN and Infinity are not JSON numbers"
    if not _finite(value):
        return "a number is too large for a float (it would read as Infinity)"
    return None


class BodyGuard:
    """Refuses a body that is too big (413) or not strict JSON (422) before the app sees it."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max = max_body_bytes
        # A refused body is read to its end (and dropped as it comes) so that a client that
        # sends all of it before reading gets the 413 rather than a reset connection; one
        # larger than this is cut off by closing the connection instead.
        self.drain_max = max(DRAIN_BYTES, 16 * max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WITH_BODY:
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get(b"content-length", "").strip()
        if declared.isdigit() and int(declared) > self.max:
            why = f"the body is {int(declared)} bytes; the server reads at most {self.max}"
            # Asked to wait for "100 Continue": the body never comes, nothing to drain.
            drain = b"expect" not in headers and int(declared) <= self.drain_max
            await self._too_large(why, drain, scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left before it finished sending
            chunk = message.get("body", b"")
            size += len(chunk)
            more = message.get("more_body", False)
            if size > self.max:
                why = f"the body is longer than {self.max} bytes, the most the server reads"
                await self._too_large(why, more, scope, receive, send, size)
                return
            chunks.append(chunk)
        body = b"".join(chunks)
        if body and _reads_as_json(headers.get(b"content-type")):
            if problem := json_problem(body):
                fields = [FieldProblem(loc=["body"], msg=problem)]
                await error_response(422, "invalid_json", problem, fields)(scope, receive, send)
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(
        self, why: str, drain: bool, scope: Scope, receive: Receive, send: Send, read: int = 0
    ) -> None:
        """Answer 413, after reading the rest of the body (unkept) up to ``drain_max``."""
        while drain and read <= self.drain_max:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            read += len(message.get("body", b""))
            drain = message.get("more_body", False)
        headers = {"Connection": "close"} if drain else None  # cut off mid-body
        await error_response(413, "too_large", why, headers=headers)(scope, receive, send)


__all__ = ["BodyGuard", "json_problem"]
