"""The languages of the catalog's texts: German originals, translations beside them, and which a reader gets.

A text in another language is shown only where it was translated; everywhere else the German
original stands, and an answer in another language says which language each text is in
(`languages`), so that a page can mark it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from radar_catalog.domain.texts import DESCRIPTION_MAX, INTRODUCTION_MAX, SUMMARY_MAX, TITLE_MAX, clean_text
from radar_catalog.domain.vocabulary import CatalogError

ORIGINAL = "de"  # the language the catalog's texts are written in
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")  # a primary language subtag (BCP 47), lower case
# what may be translated, with its longest length and whether it is a single line
TRANSLATABLE: dict[str, tuple[int, bool]] = {
    "name": (TITLE_MAX, False),
    "title": (TITLE_MAX, False),
    "summary": (SUMMARY_MAX, True),
    "introduction": (INTRODUCTION_MAX, True),
    "description": (DESCRIPTION_MAX, True),
}


def language_invalid() -> CatalogError:
    """The refusal of a language that cannot be one."""
    return CatalogError("LANGUAGE_INVALID", "A language is a code such as de or en.", status=422)


def requested_language(query: str | None, accept_language: str | None) -> str:
    """The language a read asks for: `?lang=` if given, else the most preferred of Accept-Language."""
    if query is not None:
        if not LANGUAGE_PATTERN.match(query):
            raise language_invalid()
        return query
    preferred: list[tuple[float, int, str]] = []
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().split("-")[0].lower()
        weight = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            q = float(weight)
        except ValueError:
            continue
        if q > 0 and LANGUAGE_PATTERN.match(primary):
            preferred.append((-q, n, primary))
    return min(preferred)[2] if preferred else ORIGINAL


def clean_translations(value: Any, *, attributes: Sequence[str]) -> dict[str, dict[str, str]]:
    """Translations as stored: {language: {attribute: text}}, each text by the one text policy."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise CatalogError("TRANSLATION_INVALID", "Translations are an object of languages.")
    cleaned: dict[str, dict[str, str]] = {}
    for language, texts in value.items():
        if not isinstance(language, str) or not LANGUAGE_PATTERN.match(language) or language == ORIGINAL:
            raise CatalogError("TRANSLATION_INVALID", f"{language!r} is not a language to translate into.")
        if not isinstance(texts, Mapping) or not set(texts) <= set(attributes):
            raise CatalogError(
                "TRANSLATION_INVALID", f"A translation holds some of: {', '.join(attributes)}."
            )
        kept = {}
        for name, text in texts.items():
            max_length, multiline = TRANSLATABLE[name]
            if text is not None and not isinstance(text, str):
                raise CatalogError("TRANSLATION_INVALID", f"The translated {name} is not a text.")
            if cleaned_text := clean_text(text, name=name, max_length=max_length, multiline=multiline):
                kept[name] = cleaned_text
        if kept:
            cleaned[language] = kept
    return cleaned


def merge_translations(
    current: Mapping[str, Mapping[str, str]], patch: Any, *, attributes: Sequence[str]
) -> dict[str, dict[str, str]]:
    """Translations after a patch: each text it gives replaces the stored one; an empty text removes it."""
    if patch is None:
        return {language: dict(texts) for language, texts in current.items()}
    sent = clean_translations(patch, attributes=attributes)  # refuses what cannot be a translation
    merged = {language: dict(texts) for language, texts in current.items()}
    for language, texts in patch.items():
        kept = {k: v for k, v in merged.get(language, {}).items() if k not in texts}
        merged[language] = {**kept, **sent.get(language, {})}
    return {language: texts for language, texts in merged.items() if texts}


def in_language(item: Mapping[str, Any], names: Sequence[str], *, lang: str) -> dict[str, Any]:
    """The texts `names` of a row in `lang` where translated, else as written; read in another language
    than the original, with `languages`: the language of each text."""
    if lang == ORIGINAL:
        return {name: item[name] for name in names}
    stored = item.get("translations") or {}
    chosen = (json.loads(stored) if isinstance(stored, str) else stored).get(lang, {})
    texts: dict[str, Any] = {}
    languages: dict[str, str] = {}
    for name in names:
        translated = chosen.get(name) if item[name] else None
        texts[name] = translated or item[name]
        languages[name] = lang if translated else ORIGINAL
    return {**texts, "languages": languages}
