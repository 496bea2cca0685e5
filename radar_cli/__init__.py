"""The `radar` command: run the embedded system, manage staff, inspect dead letters."""
