"""SQL of the notifications service through asyncpg, one function per query."""
