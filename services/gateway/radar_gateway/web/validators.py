"""Validators of the gateway's own answers: a strong ETag of the body, and 304 when the client has it."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

from radar_gateway.cache import etag_of


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


def revalidated(request: Request, body: bytes, *, headers: dict[str, str], media_type: str) -> Response:
    """The body with its validators (`headers`: an ETag, maybe Last-Modified), or 304 with them when
    If-None-Match names the ETag or, without If-None-Match, If-Modified-Since is not older."""
    if "if-none-match" in request.headers:
        unchanged = etag_matches(request, headers["etag"])
    else:
        modified = headers.get("last-modified")
        unchanged = modified is not None and _not_older(
            request.headers.get("if-modified-since"), parsedate_to_datetime(modified)
        )
    if unchanged:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _not_older(since: str | None, newest: datetime) -> bool:
    """True if an If-Modified-Since date is at or after the newest entry (to the second)."""
    try:
        known = parsedate_to_datetime(since) if since else None
    except (TypeError, ValueError):
        return False  # a date that is no date is ignored, as RFC 9110 asks
    return known is not None and known.tzinfo is not None and known >= newest.replace(microsecond=0)
