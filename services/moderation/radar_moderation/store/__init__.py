"""SQL of the moderation service through asyncpg, one function per query, grouped by table."""

from typing import TypeAlias

import asyncpg

Db: TypeAlias = asyncpg.Connection | asyncpg.Pool  # a query that needs no transaction runs on either
