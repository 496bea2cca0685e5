"""Texts, links, quotes and media as they are stored: clean Unicode, bounded, nothing executable or hidden."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from radar_catalog.domain.vocabulary import MEDIA_KINDS, CatalogError
from radar_lib import text as text_policy
from radar_lib.text import TextRefused

TITLE_MAX = 200
SUMMARY_MAX = 1000
DESCRIPTION_MAX = 20_000
INTRODUCTION_MAX = 20_000
NOTE_MAX = 1000
URL_MAX = 2000
LINKS_MAX = 30


def clean_text(value: str | None, *, name: str, max_length: int, multiline: bool = True) -> str:
    """Text as stored, by the one text policy (radar_lib.text: NFC, trimmed, nothing invisible), bounded."""
    try:
        text = text_policy.clean_text(value or "", multiline=multiline)
    except TextRefused as refused:
        message = refused.message.replace("The text", f"The {name}", 1)
        raise CatalogError("TEXT_INVALID_CHARACTERS", message, reason=refused.code) from None
    if len(text) > max_length:
        raise CatalogError(f"{name.upper()}_TOO_LONG", f"The {name} is longer than {max_length} characters.")
    return text


def clean_title(value: str | None) -> str:
    """A measure's title: one line, not empty."""
    title = clean_text(value, name="title", max_length=TITLE_MAX, multiline=False)
    if not title:
        raise CatalogError("TITLE_EMPTY", "The title is empty.")
    return title


def clean_change_note(value: str | None) -> str:
    """The public note every change carries; it may not be empty."""
    note = clean_text(value, name="change_note", max_length=NOTE_MAX)
    if not note:
        raise CatalogError("CHANGE_NOTE_REQUIRED", "Every change needs a short public change note.")
    return note


def clean_url(value: Any) -> str:
    """An absolute http(s) address."""
    url = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(url)
    if len(url) > URL_MAX or parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise CatalogError("LINK_INVALID", "A link needs an absolute http or https address.")
    return url


def _entries(value: Sequence[Any] | None, *, name: str) -> list[Mapping[str, Any]]:
    entries = list(value or [])
    if len(entries) > LINKS_MAX:
        raise CatalogError("LINK_INVALID", f"At most {LINKS_MAX} {name} are allowed.")
    if not all(isinstance(e, Mapping) for e in entries):
        raise CatalogError("LINK_INVALID", f"Each of the {name} is an object with a title and a url.")
    return entries


def _link_title(entry: Mapping[str, Any]) -> str:
    title = clean_text(entry.get("title"), name="title", max_length=TITLE_MAX, multiline=False)
    if not title:
        raise CatalogError("LINK_INVALID", "A link needs a title.")
    return title


def clean_links(value: Sequence[Any] | None) -> list[dict[str, str]]:
    """A measure's links: [{title, url}]."""
    return [{"title": _link_title(e), "url": clean_url(e.get("url"))} for e in _entries(value, name="links")]


def clean_media(value: Sequence[Any] | None) -> list[dict[str, str]]:
    """Media of a field or core area: [{kind: video|blog|link, title, url}]."""
    media = []
    for entry in _entries(value, name="media links"):
        kind = entry.get("kind")
        if kind not in MEDIA_KINDS:
            raise CatalogError("MEDIA_KIND_UNKNOWN", f"A media link is one of: {', '.join(MEDIA_KINDS)}.")
        media.append({"kind": str(kind), "title": _link_title(entry), "url": clean_url(entry.get("url"))})
    return media


def clean_quote(value: Mapping[str, Any] | None) -> dict[str, str] | None:
    """An optional quote {text, author}; an empty text means no quote."""
    if value is None:
        return None
    text = clean_text(value.get("text"), name="quote", max_length=NOTE_MAX)
    author = clean_text(value.get("author"), name="quote", max_length=TITLE_MAX, multiline=False)
    if not text:
        return None
    if not author:
        raise CatalogError("QUOTE_INVALID", "A quote needs its author.")
    return {"text": text, "author": author}


def clean_introduction(value: str | None) -> str:
    """The editable introduction of a field or core area."""
    return clean_text(value, name="introduction", max_length=INTRODUCTION_MAX)


def clean_name(value: str | None) -> str:
    """The name of a field or core area: one line, not empty."""
    name = clean_text(value, name="name", max_length=TITLE_MAX, multiline=False)
    if not name:
        raise CatalogError("NAME_EMPTY", "The name is empty.")
    return name


def revise_presentation(current: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Introduction, quote and media of a field or core area after a patch, and its name and (cleaned)
    translations where it has them; refuses a patch without effect."""
    revised = {
        "introduction": clean_introduction(patch.get("introduction", current["introduction"])),
        "quote": clean_quote(patch.get("quote", current["quote"])),
        "media": clean_media(patch.get("media", current["media"])),
    }
    if "name" in current:
        revised["name"] = clean_name(patch.get("name", current["name"]))
    if "translations" in current:
        revised["translations"] = patch.get("translations", current["translations"])
    if all(revised[k] == current[k] for k in revised):
        raise CatalogError("NOTHING_TO_CHANGE", "The request changes nothing.")
    return revised
