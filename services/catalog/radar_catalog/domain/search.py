"""What a search query asks for: its words, each to be found in a measure or in what it refers to.

A word is found where the German full text has a word that begins like it (any inflection:
"Schulen" finds "Schule", "Klima" finds "Klimaschutz-Monitoring"), or where it occurs inside
the measure's folded text (parts of compounds: "beirat" finds "Digitalisierungsbeirat";
spellings without hyphens: "eakte" finds "E-Akte"). Every word of a query must be found;
German stop words ("und", "der") are left out by the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_WORDS = 10
# letters and digits, with hyphens, dots and apostrophes inside a word: "E-Akte", "4.0"
_WORD = re.compile(r"[^\W_]+(?:[-.'’][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchWords:
    """The words of a query as typed, and for each the prefix query of its parts."""

    words: tuple[str, ...]
    prefixes: tuple[str, ...]  # to_tsquery text: every part of the word as a prefix ("e:* & akte:*")


def search_words(query: str) -> SearchWords:
    """The searchable words of a query, at most MAX_WORDS, each once; punctuation is no word."""
    words: list[str] = []
    for word in _WORD.findall(query):
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    words = words[:MAX_WORDS]
    prefixes = tuple(" & ".join(f"{part}:*" for part in _PART.findall(w)) for w in words)
    return SearchWords(words=tuple(words), prefixes=prefixes)


SUGGESTIONS = 5


def did_you_mean(
    *, query: str, words: Sequence[tuple[str, bool, str | None]], similar: Sequence[str], limit: int
) -> list[str]:
    """Queries to offer when nothing matched: the query with each word found nowhere replaced by the
    closest term, then the terms most similar to the whole query; none twice, never the query itself.

    `words`: each word of the query, whether it occurs anywhere, and the closest term to it.
    """
    if all(found for _, found, _ in words):
        return []
    corrected = " ".join(word if found or not closest else closest for word, found, closest in words)
    offered: list[str] = []
    seen = {query.casefold()}
    for candidate in [corrected, *similar]:
        if candidate.casefold() not in seen:
            seen.add(candidate.casefold())
            offered.append(candidate)
    return offered[:limit]


def without_covered_goals(topics: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Topics less the goals of a field that is itself a topic: that field's page shows them."""
    fields = {(t["edition"], t["slug"]) for t in topics if t["kind"] == "field"}
    return [t for t in topics if not (t["kind"] == "goal" and (t["edition"], t["field"]) in fields)]
