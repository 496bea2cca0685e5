"""The page's language and its texts, from the gettext catalogs of web/locale (catalogs.py).

`?lang=xx` picks any language that has a catalog and a cookie keeps it; without either, German.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import pass_context
from jinja2.runtime import Context

from radar_gateway.web.catalogs import LOCALE, Catalogs, Translate, read_catalogs

LANG_COOKIE = "radar_lang"
_IN_USE: dict[str, Catalogs] = {}  # the catalogs this process speaks, read by use_catalogs


def use_catalogs(locale_dir: str = "") -> Catalogs:
    """Read the catalogs of a locale directory ("" = the shipped web/locale); the app factory calls it."""
    _IN_USE["now"] = read_catalogs(Path(locale_dir)) if locale_dir else _shipped()
    return _IN_USE["now"]


@cache
def _shipped() -> Catalogs:
    return read_catalogs(LOCALE)


def catalogs() -> Catalogs:
    """The catalogs in use (the shipped ones until an app factory chose others)."""
    return _IN_USE.get("now") or use_catalogs()


def translator(lang: str) -> Translate:
    """t(key, **values) in this language; an unknown key shows itself, so a gap is visible, not fatal."""
    return catalogs().translator(lang)


def pick_language(query_lang: str | None, cookie_lang: str | None) -> tuple[str, bool]:
    """The page's language and whether the cookie must be (re)set."""
    return catalogs().pick_language(query_lang, cookie_lang)


def has_text(key: str) -> bool:
    """True if the catalogs hold a text for this key."""
    return catalogs().has(key)


def other_languages(lang: str) -> list[tuple[str, str]]:
    """Every language but this one, as (code, its own name), for the language switch."""
    book = catalogs()
    return [(code, book.name(code)) for code in book.languages if code != lang]


@pass_context
def page_gettext(context: Context, key: str, **values: object) -> str:
    """Jinja's _() and gettext(): the rendered page's own t."""
    return str(context["t"](key, **values))


@pass_context
def page_ngettext(context: Context, key: str, _plural: str, n: int, **values: object) -> str:
    """Jinja's ngettext(): the page's t with the number n (the catalog holds the plural forms)."""
    return str(context["t"](key, n=n, **values))
