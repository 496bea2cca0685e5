"""The form of a text: shouting, runs of one character, and the fingerprint that finds repeats.

Shouting is text of at least SHOUTING_MIN_LETTERS cased letters of which SHOUTING_SHARE or more
are capitals, so abbreviations (EU, WLAN, IT) in normal text do not count. A run is one
character (not a digit or white space: 1000000 is a number) REPEAT_MIN times or more in a row.
The fingerprint is the same for texts that differ only in case, punctuation and white space.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SHOUTING_MIN_LETTERS = 20
SHOUTING_SHARE = 0.7
REPEAT_MIN = 6
_RUN = re.compile(rf"([^\s\d])\1{{{REPEAT_MIN - 1},}}")


def capitals_share(text: str) -> float | None:
    """The share of capitals among the cased letters, or None when there are too few to tell."""
    upper = sum(ch.isupper() for ch in text)
    cased = upper + sum(ch.islower() for ch in text)
    return upper / cased if cased >= SHOUTING_MIN_LETTERS else None


def is_shouting(text: str) -> bool:
    share = capitals_share(text)
    return share is not None and share >= SHOUTING_SHARE


def longest_run(text: str) -> int:
    """The longest run of one character (digits and white space aside), if it reaches REPEAT_MIN; else 0."""
    return max((len(m.group()) for m in _RUN.finditer(text)), default=0)


def normalised(text: str) -> str:
    """The text without case, punctuation and extra white space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))
    return " ".join(kept.split())


def fingerprint(text: str) -> str:
    """A digest of the normalised text: equal for texts that say the same."""
    return hashlib.sha256(normalised(text).encode()).hexdigest()
