"""The staff log-in of the JSON API: log in, log out, and who am I.

A log-in sets the HttpOnly session cookie and a readable CSRF cookie whose value every
state-changing staff request sends back in X-CSRF-Token. Throttling, the security log and
the sessions' ends are in logins.py and sessions.py.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from radar_gateway.api import _set_cookie, _staff_session
from radar_gateway.context import gateway_of
from radar_gateway.logins import log_in
from radar_gateway.sessions import CSRF_COOKIE, SESSION_COOKIE, close_session
from radar_lib.web import ApiError

router = APIRouter(prefix="/api/v1")


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


@router.post("/auth/login")
async def login(credentials: LoginIn, request: Request) -> JSONResponse:
    """Open a staff session: HttpOnly session cookie plus a readable CSRF cookie."""
    s = gateway_of(request).settings
    token, session = await log_in(request, email=credentials.email, password=credentials.password)
    body = {"staff": {"id": str(session.staff_id), "email": session.email, "roles": sorted(session.roles)}}
    response = JSONResponse(body)
    _set_cookie(response, s, SESSION_COOKIE, token, httponly=True, max_age=s.session_hours * 3600)
    _set_cookie(response, s, CSRF_COOKIE, session.csrf, httponly=False, max_age=s.session_hours * 3600)
    return response


@router.post("/auth/logout")
async def logout(request: Request) -> JSONResponse:
    """Close the staff session."""
    gw = gateway_of(request)
    await _staff_session(request, gw)
    await close_session(gw.redis, request.cookies.get(SESSION_COOKIE), key=gw.settings.session_id_key)
    response = JSONResponse({"status": "logged out"})
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/auth/me")
async def me(request: Request) -> dict[str, Any]:
    """Who the caller is: a staff member, or nobody in particular."""
    session = await _staff_session(request, gateway_of(request))
    if session is None:
        raise ApiError(401, "LOGIN_REQUIRED", "No staff session.")
    return {"staff": {"id": str(session.staff_id), "email": session.email, "roles": sorted(session.roles)}}
