"""Insults and profanity in German and English: a curated word list, matched on whole words.

The list is a starting point: a city extends it with the words its moderators meet, each
stem with the way it may match. Words are compared after normalising both sides the same
way: NFKC, case folded (ß is ss), umlauts spelled out (ö is oe), leetspeak read as letters
inside a word (1d10t, a$$hole), letters spaced or dotted apart joined again (i d i o t,
f.u.c.k) and runs of one letter collapsed (Idiooot, Scheisse and Scheiße alike). A stem
matches
- WORD: as a whole word with an inflection ending (Arsch, Arsche; not Marsch, not Arschbombe);
- TAIL: also as the last part of a compound, where German puts the head (Vollidiot);
- ANYWHERE: inside any word; only for stems no harmless word contains (fuck, fick).
Inflected forms with a changed stem (Arschlöcher) are entries of their own. Masked words
(f*ck) and look-alike letters from other scripts are not caught; that is left to people.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum


class Match(Enum):
    WORD = "word"
    TAIL = "tail"
    ANYWHERE = "anywhere"


W, T, A = Match.WORD, Match.TAIL, Match.ANYWHERE

INSULTS: dict[str, Match] = {
    # German
    "arsch": W, "arschloch": T, "arschlöcher": T, "idiot": T, "trottel": T, "depp": W,
    "wichser": T, "hurensohn": T, "hurensöhne": T, "hure": W, "fotze": T, "missgeburt": T,
    "spast": W, "spasti": W, "schlampe": T, "penner": T, "dummkopf": T, "dummköpfe": T,
    "schwachkopf": T, "schwachköpfe": T, "drecksau": T, "drecksäue": T, "drecksack": T,
    "drecksäcke": T, "mistkerl": T, "miststück": T, "scheiß": A, "fick": A, "bastard": W,
    # English
    "asshole": T, "fuck": A, "shit": T, "bullshit": T, "bitch": T, "cunt": W, "dickhead": T,
    "wanker": W, "moron": W, "retard": W, "twat": W, "prick": W, "scumbag": T, "dumbass": T,
}  # fmt: skip

PHRASES = (
    "halt die fresse", "halt's maul", "halts maul", "halt dein maul", "verpiss dich",
    "verpisst euch", "geh sterben", "shut up", "go to hell", "kill yourself",
)  # fmt: skip

# inflection endings, German and English, that a WORD or TAIL stem may carry
ENDINGS = (
    "", "e", "en", "er", "ern", "es", "em", "n", "s", "ns", "in", "innen",
    "isch", "ische", "ischen", "ischer", "isches", "ed", "ing", "ers", "y", "ies",
)  # fmt: skip

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "€": "e"}
)
_TOKEN = re.compile(r"(?:[^\W_]|[@$€!])+")
_SPACED = re.compile(r"(?<!\w)(?:[^\W_][.\-_* ]){2,}[^\W_](?!\w)")  # i d i o t, f.u.c.k
_RUN = re.compile(r"(.)\1+")


def fold(word: str) -> str:
    """A word as compared: case folded, umlauts spelled out, leetspeak read, letter runs collapsed."""
    word = unicodedata.normalize("NFKC", word).casefold().translate(UMLAUTS).strip("!")
    if any(ch.isalpha() for ch in word):
        word = word.replace("!", "i").translate(LEET)
    return _RUN.sub(r"\1", word)


def _alternation(forms: set[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


def _forms(kind: Match) -> dict[str, str]:
    """Every folded form of the stems of this kind, with the stem it stands for."""
    stems = [s for s, k in INSULTS.items() if k is kind]
    endings = [""] if kind is Match.ANYWHERE else ENDINGS
    return {fold(stem + ending): stem for stem in stems for ending in endings}


_BY_FORM = {**_forms(W), **_forms(T), **_forms(A)}
_WORD = re.compile(f"(?:{_alternation(set(_forms(W)))})")
_TAIL = re.compile(f"(?:{_alternation(set(_forms(T)))})$")
_ANYWHERE = re.compile(_alternation(set(_forms(A))))
_PHRASES = {" ".join(fold(t) for t in _TOKEN.findall(p)): p for p in PHRASES}


def words_of(text: str) -> list[str]:
    """The folded words of a text, with spaced-out letters joined first."""
    joined = _SPACED.sub(lambda m: re.sub(r"[.\-_* ]", "", m.group()), text)
    return [w for w in (fold(token) for token in _TOKEN.findall(joined)) if w]


def find_insults(text: str) -> list[str]:
    """The list entries (stems and phrases) the text contains, sorted, each once."""
    found: set[str] = set()
    words = words_of(text)
    for word in words:
        if _WORD.fullmatch(word):
            found.add(_BY_FORM[word])
        elif tail := _TAIL.search(word):
            found.add(_BY_FORM[tail.group()])
        elif anywhere := _ANYWHERE.search(word):
            found.add(_BY_FORM[anywhere.group()])
    line = f" {' '.join(words)} "
    found.update(phrase for folded, phrase in _PHRASES.items() if f" {folded} " in line)
    return sorted(found)
