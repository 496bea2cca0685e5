"""`radar oparl import`: council papers from an OParl 1.1 system (or a file) as the catalog's decisions.

Every page is read and checked before anything is written; the import itself is one transaction.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import asyncpg

from radar_catalog.deciding import import_papers
from radar_catalog.domain.oparl import Paper, read_page
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.seed import MIGRATIONS
from radar_lib.db import migrate

PAGES_MAX = 1000  # a system that links on and on is refused rather than followed forever
TIMEOUT = 30.0
SCHEMES = ("file", "http", "https")
ACTOR = "oparl-import"


class OParlError(ValueError):
    """The source could not be read as OParl papers; `code` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def source_url(source: str) -> str:
    """A URL (file, http, https) for a URL or a plain path."""
    if urlsplit(source).scheme in SCHEMES:
        return source
    return Path(source).resolve().as_uri()


def _fetch(url: str) -> object:
    if urlsplit(url).scheme not in SCHEMES:
        raise OParlError("OPARL_SOURCE_INVALID", f"{url} is no file, http or https address.")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 (schemes checked)
            body = answer.read()
    except OSError as exc:
        raise OParlError("OPARL_SOURCE_UNREADABLE", f"{url} could not be read ({exc}).") from None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise OParlError("OPARL_NOT_JSON", f"{url} is not JSON.") from None


def read_papers(source: str) -> list[Paper]:
    """Every paper of every page, following links.next (relative links resolved against the page)."""
    url: str | None = source_url(source)
    papers: list[Paper] = []
    seen: set[str] = set()
    while url is not None:
        if url in seen or len(seen) >= PAGES_MAX:
            raise OParlError("OPARL_TOO_MANY_PAGES", f"the pages link on in a circle or past {PAGES_MAX}.")
        seen.add(url)
        try:
            page, following = read_page(_fetch(url), where=url)
        except CatalogError as exc:
            raise OParlError(exc.code, exc.message) from None
        papers.extend(page)
        next_url = urljoin(url, following) if following else None
        if next_url and urlsplit(next_url).scheme == "file" and urlsplit(url).scheme != "file":
            raise OParlError("OPARL_SOURCE_INVALID", f"{url} links to a local file, {next_url}.")
        url = next_url
    return papers


async def import_into(dsn: str, papers: list[Paper]) -> dict[str, int]:
    """Bring the catalog database up to date and record the papers in it."""
    await migrate(dsn, service_migrations=MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        try:
            return await import_papers(conn, papers=papers, actor=ACTOR)
        except CatalogError as exc:
            raise OParlError(exc.code, exc.message) from None
    finally:
        await conn.close()
