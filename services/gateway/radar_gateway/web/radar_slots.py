"""Choosing a cell's blip slots among the rows of a ring: few rows, near the middle, evenly spread."""

from __future__ import annotations

import math

Slots = list[list[tuple[float, float]]]  # rows of (x, y) slots


def pick_rows(rows: Slots, need: int) -> Slots:
    """The fewest neighbouring rows that hold `need` blips, as near the ring's middle as possible."""
    for width in range(1, len(rows) + 1):
        centre = (len(rows) - width) // 2
        for s in sorted(range(len(rows) - width + 1), key=lambda s: (abs(s - centre), s)):
            window = rows[s : s + width]
            if sum(len(r) for r in window) >= need:
                return window
    raise ValueError("the ring has too few slots")  # cannot happen: rings grow until they fit


def spread(window: Slots, need: int) -> list[tuple[float, float]]:
    """`need` slots from the window, spread evenly along each row rather than packed to one side."""
    left, left_slots = need, sum(len(r) for r in window)
    chosen: list[tuple[float, float]] = []
    for row in window:
        take = min(len(row), math.ceil(left * len(row) / left_slots), left) if left_slots else 0
        if take:
            chosen += [
                row[round(i * (len(row) - 1) / (take - 1)) if take > 1 else len(row) // 2]
                for i in range(take)
            ]
        left -= take
        left_slots -= len(row)
    return chosen
