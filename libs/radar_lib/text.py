"""One text policy for every service that takes text: what is stored shows what it says.

Guarantees of `clean_text`: the text it returns is NFC, has "\\n" as its only line break and
no white space at either end, and
- holds no control character (C0, C1, DEL, line and paragraph separators), except "\\n" and
  "\\t" in multi-line text;
- holds no bidi control (embeddings, overrides, isolates, LRM, RLM, ALM): Arabic and Hebrew
  need none of them in plain text, and they can make text read differently from its bytes;
- holds no invisible format character (category Cf: zero-width space, word joiner, BOM, soft
  hyphen, Mongolian vowel separator, tag characters, ...) and no Hangul filler. The one
  exception: a zero-width joiner or non-joiner (U+200D, U+200C) between two visible
  characters, as emoji sequences (👩‍💻), Persian and the Indic scripts use them. Subdivision
  flags (England, Scotland, Wales) are refused: their tag characters can carry hidden text;
- holds no private-use, surrogate, noncharacter or unassigned code point;
- carries at most MAX_MARKS combining marks in a row, i.e. on one base character (this also
  bounds variation selectors, which can smuggle bytes behind an emoji);
- unless it is empty, has a visible character: something besides white space, marks and
  joiners (and the blank Braille pattern).
Whatever breaks a rule raises TextRefused with a stable code; the services map it to their
own codes (COMMENT_INVALID_CHARACTERS, TEXT_INVALID_CHARACTERS) and pass it on as `reason`.
Emptiness and length stay with each caller, which knows its limits.

`clean_email` applies the same idea to e-mail addresses (EMAIL_INVALID).

Speed: this runs on every comment, so no Python loop walks the text. A compiled regex drops
letters, digits and spaces (the bulk of any text, and fine by every rule); Python then looks
only at the distinct characters that are left, a few dozen in a real comment. NFC, `set`,
`str.isprintable` and the regexes for joiners and runs of marks work in C.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NoReturn

from radar_lib.errors import RuleBroken

MAX_MARKS = 4
EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64
EMAIL_LABEL_MAX = 63

CONTROL = "TEXT_CONTROL_CHARACTERS"
BIDI = "TEXT_BIDI_CONTROLS"
INVISIBLE = "TEXT_INVISIBLE_CHARACTERS"
UNASSIGNED = "TEXT_UNASSIGNED_CHARACTERS"
TOO_MANY_MARKS = "TEXT_TOO_MANY_MARKS"
NO_VISIBLE = "TEXT_NO_VISIBLE_CHARACTER"
EMAIL_INVALID = "EMAIL_INVALID"

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
JOINERS = frozenset("\u200c\u200d")
INVISIBLE_LETTERS = "\u115f\u1160\u3164\uffa0"  # Hangul fillers: letters that show nothing
BLANK_SYMBOLS = frozenset("\u2800")  # the blank Braille pattern: allowed, but it shows nothing

_MESSAGES = {
    CONTROL: "The text contains a control character",
    BIDI: "The text contains a character that changes the writing direction",
    INVISIBLE: "The text contains an invisible character",
    UNASSIGNED: "The text contains a private-use, surrogate or unassigned character",
}
_RANK = {CONTROL: 0, BIDI: 1, INVISIBLE: 2, UNASSIGNED: 3}
# a joiner at the start or end, or next to white space or another joiner, joins nothing visible
_LONE_JOINER = re.compile(r"[\u200c\u200d](?:(?<=[\s\u200c\u200d].)|(?s:(?<!..))|(?=[\s\u200c\u200d]|\Z))")
_WORDS = re.compile(r"[\w ]+")  # letters, digits, spaces: the bulk of any text, fine by all rules but one
_WORD = re.compile(r"\w")  # a letter or digit is visible (the invisible Hangul fillers are refused first)
_MARK_RUN = re.compile(f"[^\\w\\s]{{{MAX_MARKS + 1},}}")  # where marks can stack: no letter, digit, space
_MARK = "\x00"  # stands for any combining mark while runs are counted; controls are refused before
_DOMAIN_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?")  # letters and digits, inner hyphens
_LOCAL_FORBIDDEN = re.compile(r'[\s"(),:;<>@\[\\\]]|^\.|\.$|\.\.')


class TextRefused(RuleBroken):
    """Text broke the text policy; `code` names the rule, the message the character and where."""


def clean_text(value: str, *, multiline: bool) -> str:
    """The text as stored (NFC, line breaks unified, trimmed); TextRefused names the first broken rule."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").strip()
    chars = set(_WORDS.sub("", text))  # the rules are about what is not a letter or digit, fillers aside
    _refuse_odd_characters(text, [ch for ch in chars if not ch.isprintable()], multiline=multiline)
    if fillers := [ch for ch in INVISIBLE_LETTERS if ch in text]:
        _refuse(INVISIBLE, text, min(fillers, key=text.index))
    if JOINERS & chars and (lone := _LONE_JOINER.search(text)):
        _refuse(INVISIBLE, text, lone.group())
    marks = {ch for ch in chars if not ch.isascii() and unicodedata.category(ch)[0] == "M"}
    if marks:
        _refuse_stacked_marks(text, marks)
    blank = chars - marks - JOINERS - BLANK_SYMBOLS
    if text and not _WORD.search(text) and all(ch.isspace() for ch in blank):
        raise TextRefused(NO_VISIBLE, "The text has no visible character.")
    return text


def _refuse_stacked_marks(text: str, marks: set[str]) -> None:
    """Refuse more than MAX_MARKS marks in a row; only runs of non-letters are long enough to hold them."""
    as_one = dict.fromkeys(map(ord, marks), _MARK)
    for run in _MARK_RUN.finditer(text):
        stacked = run.group().translate(as_one).find(_MARK * (MAX_MARKS + 1))
        if stacked >= 0:
            position = run.start() + stacked
            message = f"The text stacks more than {MAX_MARKS} combining marks on a character (at {position})."
            raise TextRefused(TOO_MANY_MARKS, message)


def _refuse_odd_characters(text: str, odd: list[str], *, multiline: bool) -> None:
    """Refuse the worst of the characters str.isprintable rejects (controls, format, unassigned, spaces)."""
    found = [(rule, text.index(ch), ch) for ch in odd if (rule := _rule_for(ch, multiline=multiline))]
    if found:
        rule, _, ch = min(found, key=lambda f: (_RANK[f[0]], f[1]))
        _refuse(rule, text, ch)


def _rule_for(ch: str, *, multiline: bool) -> str | None:
    category = unicodedata.category(ch)
    if category == "Zs" or (multiline and ch in "\n\t"):
        return None
    if category in ("Cc", "Zl", "Zp"):
        return CONTROL
    if ch in BIDI_CONTROLS:
        return BIDI
    if category == "Cf":
        return None if ch in JOINERS else INVISIBLE
    return UNASSIGNED  # Cs, Co, Cn: surrogates, private use, noncharacters, unassigned


def _refuse(rule: str, text: str, ch: str) -> NoReturn:
    message = f"{_MESSAGES[rule]} (U+{ord(ch):04X} at position {text.index(ch)})."
    raise TextRefused(rule, message)


def clean_email(value: str) -> str:
    """An e-mail address as stored and looked up: NFC, trimmed, domain in lower case; else EMAIL_INVALID."""
    address = unicodedata.normalize("NFC", value).strip()
    local, _, domain = address.rpartition("@")
    problem = _email_problem(address, local, domain)
    if problem:
        raise TextRefused(EMAIL_INVALID, f"This is not an e-mail address: {problem}.")
    return f"{local}@{domain.lower()}"


def _email_problem(address: str, local: str, domain: str) -> str | None:
    if len(address) > EMAIL_MAX:
        return f"it is longer than {EMAIL_MAX} characters"
    if not address.isprintable() or any(ch in address for ch in INVISIBLE_LETTERS):
        return "it contains a control, invisible or direction character"
    if not local or not domain:
        return "it needs a name, an @ and a domain"
    if len(local) > EMAIL_LOCAL_MAX or _LOCAL_FORBIDDEN.search(local):
        return "the part before the @ is too long or holds white space, quotes, brackets or a stray dot"
    labels = domain.split(".")
    if any(len(label) > EMAIL_LABEL_MAX or not _DOMAIN_LABEL.fullmatch(label) for label in labels):
        return "the domain is not a host name"
    return None
