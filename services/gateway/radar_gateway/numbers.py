"""Numbers as people type them into forms and addresses: ASCII digits only.

str.isdigit() holds for "²" or "٣" too, which int() then refuses or reads as another number.
"""

from __future__ import annotations


def whole_number(text: str) -> int | None:
    """The number the text is, written with the digits 0-9 alone; None for anything else."""
    return int(text) if text.isascii() and text.isdigit() else None


def page_number(raw: str | None, *, at_most: int = 10_000) -> int:
    """A page asked for in an address ("seite"); anything but a page number up to `at_most` is the first."""
    number = whole_number(raw or "")
    return number if number is not None and 0 < number <= at_most else 1
