"""The interface texts as gettext catalogs: one folder per language, read once, looked up by stable keys.

A language is a folder `<code>/LC_MESSAGES/messages.po` under the locale directory (`web/locale`
unless a setting names another): a city adds one by adding a folder, without touching code. Message
ids are keys such as "radar.heading"; texts keep Python brace placeholders ("{email}"); a key with
singular and plural texts is a gettext plural entry, chosen by the value `n`. A text missing in a
language falls back to the source language (German); a key unknown there shows itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "de"
DOMAIN = "messages"
NAME_KEY = "lang.name"  # each catalog names its own language, as the language switch shows it
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
Translate = Callable[..., str]


@dataclass(frozen=True)
class Catalogs:
    """Every language's catalog, the source language's first."""

    books: dict[str, Catalog]
    translations: dict[str, Translations]
    plural: frozenset[str]  # the keys whose text depends on the number n

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.books)

    def name(self, lang: str) -> str:
        """A language's name in that language, from its catalog (its code if the catalog lacks one)."""
        message = self.books[lang].get(NAME_KEY)
        return str(message.string) if message is not None and message.string else lang

    def has(self, key: str) -> bool:
        """True if the source catalog holds this key."""
        return key in self.books[SOURCE_LANGUAGE]

    def translator(self, lang: str) -> Translate:
        """t(key, **values) in this language; plural entries take their form from `n`."""
        found = self.translations.get(lang, self.translations[SOURCE_LANGUAGE])
        plural = self.plural

        def t(key: str, **values: object) -> str:
            text = found.ngettext(key, key, _count(values.get("n"))) if key in plural else found.gettext(key)
            return text.format(**values) if values else text

        return t

    def pick_language(self, query_lang: str | None, cookie_lang: str | None) -> tuple[str, bool]:
        """The page's language and whether the cookie must be (re)set."""
        if query_lang in self.books:
            return str(query_lang), query_lang != cookie_lang
        if cookie_lang in self.books:
            return str(cookie_lang), False
        return SOURCE_LANGUAGE, False


def read_catalogs(directory: Path = LOCALE) -> Catalogs:
    """Every `<code>/LC_MESSAGES/messages.po` of a locale directory; the source language must be there."""
    folders = sorted(p for p in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    books: dict[str, Catalog] = {}
    for path in folders:
        code = path.parent.parent.name
        if not LANGUAGE_CODE.fullmatch(code):
            raise ValueError(f"{path}: a catalog's folder is a two- or three-letter language code")
        with path.open("rb") as fp:
            books[code] = read_po(fp, locale=code, domain=DOMAIN)
    if SOURCE_LANGUAGE not in books:
        raise ValueError(f"{directory}: no catalog of the source language {SOURCE_LANGUAGE!r}")
    books = {SOURCE_LANGUAGE: books.pop(SOURCE_LANGUAGE), **books}
    translations = {code: _compiled(book) for code, book in books.items()}
    for code, found in translations.items():
        if code != SOURCE_LANGUAGE:
            found.add_fallback(translations[SOURCE_LANGUAGE])
    plural = frozenset(str(m.id[0]) for m in books[SOURCE_LANGUAGE] if m.pluralizable)
    return Catalogs(books=books, translations=translations, plural=plural)


def _count(n: object) -> int:
    """The whole number that picks a plural form; a fraction (3.5, "3,5") or no n reads as more than one."""
    if isinstance(n, float) and n.is_integer():
        return int(n)
    return n if isinstance(n, int) else 2


def placeholders(text: str) -> set[str]:
    """The names of a text's brace placeholders: "{n} von {total}" -> {"n", "total"}."""
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def _compiled(book: Catalog) -> Translations:
    """A catalog compiled in memory (messages without text are left out, so they fall back)."""
    mo = BytesIO()
    write_mo(mo, book)
    mo.seek(0)
    return Translations(fp=mo, domain=DOMAIN)
