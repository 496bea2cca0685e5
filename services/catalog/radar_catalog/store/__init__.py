"""SQL of the catalog service, one function per query."""
