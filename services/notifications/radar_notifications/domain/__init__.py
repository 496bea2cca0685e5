"""The rules of notifications: plain functions and dataclasses, no framework, no database."""
