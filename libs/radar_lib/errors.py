"""The one exception a broken rule raises, in any layer; the API turns it into its error body."""

from __future__ import annotations

from typing import Any


class RuleBroken(Exception):
    """A rule was broken: `code` is the stable error code, `status` the HTTP status it maps to."""

    def __init__(self, code: str, message: str, status: int = 422, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra
