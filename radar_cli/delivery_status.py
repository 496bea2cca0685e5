"""`radar status`: notifications' deliveries (pending, sent, failed, and the lag from event to mail)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from radar_notifications.figures import DeliveryFigures


def _or_dash(value: object) -> str:
    return "-" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


async def read_deliveries(dsn: str | Exception | None) -> tuple[DeliveryFigures | None, str | None]:
    """Notifications' delivery figures from its database; (None, None) when it does not run."""
    import asyncpg

    from radar_notifications.figures import delivery_figures

    if dsn is None:
        return None, None
    if isinstance(dsn, Exception):
        return None, f"no database: {dsn}"
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
        try:
            return await delivery_figures(conn), None
        finally:
            await conn.close()
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def delivery_rows(d: DeliveryFigures) -> list[list[str]]:
    """A header and one row: deliveries by state, the oldest pending one, the lag of those sent at once."""
    header = ["pending", "waiting", "sent", "failed", "oldest pending (s)", "lag p50 (s)", "lag p90 (s)"]
    row = [_or_dash(d.by_state.get(state, 0)) for state in ("pending", "waiting", "sent", "failed")]
    row += [_seconds(d.oldest_pending_seconds), _seconds(d.lag_median_seconds), _seconds(d.lag_p90_seconds)]
    return [header, row]
