"""Validators of the gateway's own answers: a strong ETag of the body, and 304 when the client has it."""

from __future__ import annotations

import hashlib

from fastapi import Request
from fastapi.responses import Response


def etag_of(body: bytes) -> str:
    """A strong entity tag: the same bytes, the same tag."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(request: Request, etag: str) -> bool:
    """True if If-None-Match names this tag (compared weakly, as RFC 9110 says for GET and HEAD) or `*`."""
    sent = {tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")}
    return etag in sent or "*" in sent


def conditional(
    request: Request, body: bytes, *, status: int, media_type: str, etag: str | None = None
) -> Response:
    """A 200 with the ETag of its body (or the one given), or 304 when the client holds it already;
    other statuses as is."""
    if status != 200:
        return Response(body, status_code=status, media_type=media_type)
    etag = etag or etag_of(body)
    if etag_matches(request, etag):
        return Response(status_code=304, headers={"etag": etag})
    return Response(body, status_code=200, media_type=media_type, headers={"etag": etag})
