"""Managing and leaving through the signed links of the mails, without an account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from radar_lib.service import runtime_of
from radar_lib.web import documented
from radar_notifications import managing
from radar_notifications.api.callers import settings_of
from radar_notifications.domain import rules

router = APIRouter()
UNSUBSCRIBED = {"status": "unsubscribed"}


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    new_comments: bool | None = None
    mode: str | None = Field(None, json_schema_extra=documented(type="string", enum=list(rules.MODES)))
    remove: bool = False


class ManageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: str | None = Field(
        None, json_schema_extra=documented(type="string", enum=list(rules.LANGUAGES))
    )
    paused: bool | None = None
    subscriptions: list[ItemIn] | None = Field(None, max_length=500)


@router.get("/subscriptions/manage")
async def show(request: Request, token: str | None = None) -> dict[str, Any]:
    """The address of the manage link and all its subscriptions."""
    return await managing.show(runtime_of(request).pool, settings_of(request), token)


@router.patch("/subscriptions/manage")
async def change(change: ManageIn, request: Request, token: str | None = None) -> dict[str, Any]:
    """Change language, pause, and single subscriptions (mode, new comments, remove), all or nothing."""
    items = (
        None
        if change.subscriptions is None
        else [i.model_dump(exclude_none=True) for i in change.subscriptions]
    )
    return await managing.change(
        runtime_of(request).pool,
        settings_of(request),
        token,
        language=change.language,
        paused=change.paused,
        items=items,
    )


@router.delete("/subscriptions/manage")
async def leave(request: Request, token: str | None = None) -> dict[str, str]:
    """Unsubscribe from everything: the address is forgotten."""
    await managing.leave(runtime_of(request).pool, settings_of(request), token)
    return UNSUBSCRIBED


@router.get("/subscriptions/unsubscribe")
async def describe(request: Request, token: str | None = None) -> dict[str, Any]:
    """What the one-click link would end (for the page that asks first)."""
    return await managing.describe_unsubscribe(runtime_of(request).pool, settings_of(request), token)


@router.post("/subscriptions/unsubscribe")
async def unsubscribe(request: Request, token: str | None = None) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: one POST, no log-in; again is no error."""
    await managing.unsubscribe(runtime_of(request).pool, settings_of(request), token)
    return UNSUBSCRIBED
