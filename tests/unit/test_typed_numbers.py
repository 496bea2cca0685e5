"""Numbers typed into forms and addresses (radar_gateway/numbers.py): the digits 0-9 alone."""

from __future__ import annotations

import pytest

from radar_gateway.numbers import page_number, whole_number


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("7", 7), ("0042", 42), ("10000", 10_000)])
def test_plain_digits_are_the_number(text: str, number: int) -> None:
    assert whole_number(text) == number


@pytest.mark.parametrize("text", ["", "²", "٣", "３", "1²", "-1", "+1", "1.5", " 1", "1 ", "1e3", "abc"])
def test_anything_else_is_no_number(text: str) -> None:
    assert whole_number(text) is None


@pytest.mark.parametrize(
    ("raw", "number"), [(None, 1), ("", 1), ("3", 3), ("0", 1), ("10000", 10_000), ("10001", 1), ("²", 1)]
)
def test_a_page_is_a_number_from_1_to_its_limit_else_the_first(raw: str | None, number: int) -> None:
    assert page_number(raw) == number
