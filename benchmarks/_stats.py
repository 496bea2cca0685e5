"""Pure figures for the load benchmark: percentiles, rates and ratios, rounded for the tables."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile (the smallest value with at least p % at or below it); None if empty."""
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError(f"percentile {p} is not in (0, 100]")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_ms(seconds: Sequence[float]) -> dict[str, float | int | None]:
    """p50 and p99 in milliseconds of latencies given in seconds, and how many there were."""
    return {
        "n": len(seconds),
        "p50_ms": _ms(percentile(seconds, 50)),
        "p99_ms": _ms(percentile(seconds, 99)),
    }


def ratio(figure: float | None, reference: float | None) -> float | None:
    """figure / reference to three places; None when either is missing or the reference is zero."""
    if figure is None or not reference:
        return None
    return round(figure / reference, 3)


def per_second(count: int, seconds: float) -> float:
    """A rate to one decimal place."""
    return round(count / seconds, 1) if seconds > 0 else 0.0


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)
