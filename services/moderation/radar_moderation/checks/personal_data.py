"""Personal data in a comment: e-mail addresses, phone numbers, IBANs.

Each finder returns the spans it found, so that the next one does not read them again
(an IBAN's digits are no phone number, an address's domain no link). Phone numbers are
German national numbers (a leading 0: 089 1234567, 0171/1234567, (089) 123 45-67) and
international ones (+49 89 1234567, 0049 ..., +1 555 123 4567); dates, times, years and
amounts are not. IBANs count only with a valid ISO 13616 checksum (mod 97) and, for the
countries listed, their length.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+"
    r"(?:@|\s*[\[(]\s*(?:at|ät)\s*[\])]\s*)"  # also the spelled-out max (at) example.org
    r"[\w-]+(?:(?:\.|\s*[\[(]\s*(?:dot|punkt)\s*[\])]\s*)[\w-]+)*"
    r"(?:\.|\s*[\[(]\s*(?:dot|punkt)\s*[\])]\s*)[^\W\d_]{2,}(?!\w)",
    re.IGNORECASE,
)
PHONE_CANDIDATE = re.compile(r"(?<![\w+(])[+(]?\d[\d ()./-]{5,}\d(?!\w)")
NOT_A_PHONE = re.compile(
    r"\b\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})?(?!\d)"  # 1.2.2024, 01.02.24, 1.2.
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"  # 2024-02-01
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"  # 02/01/2024
    r"|\b\d{1,2}[.:]\d{2}\b(?![.:]\d)"  # 08.00 (a time)
)
THOUSANDS = re.compile(r"\+?\d{1,3}(?:[.,]\d{3})+")
PHONE_DIGITS_NATIONAL = range(7, 14)  # 0 and area code and number
PHONE_DIGITS_INTERNATIONAL = range(8, 16)  # E.164 allows up to 15 digits
IBAN_CANDIDATE = re.compile(r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}", re.IGNORECASE)
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27,
    "GB": 22, "IE": 22, "IT": 27, "LI": 21, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
    "SE": 24, "SI": 19, "SK": 24,
}  # fmt: skip
IBAN_ANY_LENGTH = range(15, 35)


def find_emails(text: str) -> list[Span]:
    return [m.span() for m in EMAIL.finditer(text)]


def find_ibans(text: str) -> list[Span]:
    """IBANs with a valid checksum; letters may be in either case, groups apart by single spaces."""
    found = []
    for m in IBAN_CANDIDATE.finditer(text):
        compact = m.group().replace(" ", "").upper()
        lengths = [IBAN_LENGTHS[compact[:2]]] if compact[:2] in IBAN_LENGTHS else IBAN_ANY_LENGTH
        for length in lengths:
            if len(compact) >= length and iban_checksum_valid(compact[:length]):
                found.append((m.start(), _end_of(m.group(), m.start(), length)))
                break
    return found


def _end_of(candidate: str, start: int, characters: int) -> int:
    """Where the first `characters` non-space characters of a candidate end in the text."""
    seen = 0
    for offset, ch in enumerate(candidate):
        seen += ch != " "
        if seen == characters:
            return start + offset + 1
    return start + len(candidate)


def iban_checksum_valid(iban: str) -> bool:
    """ISO 13616: the country and check digits moved to the end, letters as 10..35, mod 97 is 1."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def find_phones(text: str) -> list[Span]:
    return [m.span() for m in PHONE_CANDIDATE.finditer(text) if is_phone_number(m.group())]


def is_phone_number(candidate: str) -> bool:
    """True for a German or international phone number; false for dates, times and amounts."""
    if NOT_A_PHONE.search(candidate) or THOUSANDS.fullmatch(candidate):
        return False
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+"):
        return len(digits) in PHONE_DIGITS_INTERNATIONAL
    if digits.startswith("00"):
        return len(digits) - 2 in PHONE_DIGITS_INTERNATIONAL
    return digits.startswith("0") and len(digits) in PHONE_DIGITS_NATIONAL


def blank(text: str, spans: list[Span]) -> str:
    """The text with these spans replaced by spaces, so that later checks skip them."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
