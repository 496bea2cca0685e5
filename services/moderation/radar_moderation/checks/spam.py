"""Links and promotional phrases: the signals of spam, and the score that sums them.

Links are web addresses with a scheme (https://...), starting with www., or bare host names
under a common top-level domain (example.com, bit.ly/abc). The phrases are the common ones
of advertising in German and English; words that citizens use about public services
(kostenlos, gratis, Bitcoin) are deliberately not among them. Like the insult list, this
is a starting point that a city extends.
"""

from __future__ import annotations

import re

TOP_LEVEL_DOMAINS = (
    "com", "net", "org", "info", "biz", "de", "eu", "at", "ch", "io", "ly", "me", "co", "ru", "cn",
    "xyz", "top", "shop", "online", "site", "club", "store", "app", "link", "click",
)  # fmt: skip
LINK = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"
    rf"|\b(?:[a-z0-9-]+\.)+(?:{'|'.join(TOP_LEVEL_DOMAINS)})\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
PROMOTION = (
    "jetzt kaufen", "jetzt bestellen", "hier klicken", "klicken sie hier", "geld verdienen",
    "schnell reich", "nebenverdienst", "von zu hause aus arbeiten", "kredit ohne schufa",
    "sonderangebot", "nur heute", "rabattcode", "gutscheincode", "online casino", "viagra",
    "buy now", "order now", "click here", "free money", "make money", "work from home",
    "limited offer", "limited time offer", "discount code", "promo code", "best price",
    "100% free", "earn money",
)  # fmt: skip
_PROMOTION = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in PROMOTION) + r")(?!\w)", re.IGNORECASE)


def count_links(text: str) -> int:
    return len(LINK.findall(text))


def count_promotion(text: str) -> int:
    """How often promotional phrases occur; each repetition counts again."""
    return len(_PROMOTION.findall(" ".join(text.split())))
