"""The catalog's HTTP routes, reached only through the gateway."""

from radar_catalog.api import edits, export, measures, structure

routers = [structure.router, measures.router, edits.router, export.router]
