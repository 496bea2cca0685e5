"""SQL of the participation service, one function per query."""
