"""The public web pages of the gateway: server-rendered, German first, usable without JavaScript."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from radar_gateway.web import (
    citizen,
    feeds,
    moderation,
    pages,
    participate,
    report_form,
    report_pages,
    staff,
    structure_pages,
)
from radar_gateway.web.problems import install_problem_pages
from radar_gateway.web.render import STATIC


def install_web(app: FastAPI) -> None:
    """Mount the pages, the feeds, the static files and the HTML error pages on the gateway app."""
    app.include_router(pages.router)
    app.include_router(structure_pages.router)
    app.include_router(participate.router)
    app.include_router(citizen.router)
    app.include_router(staff.router)
    app.include_router(report_form.router)
    app.include_router(moderation.router)
    app.include_router(feeds.router)
    app.include_router(report_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_problem_pages(app)
