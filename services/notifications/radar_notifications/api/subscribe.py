"""Subscribing: by e-mail or webhook, a comment's decision, and the confirmation link."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from radar_lib.service import runtime_of
from radar_lib.web import ApiError, documented
from radar_notifications import subscribing
from radar_notifications.api.callers import participant_of, settings_of
from radar_notifications.domain import rules
from radar_notifications.sending.webhooks import check_webhook_url
from radar_notifications.store import measures
from radar_notifications.subscribing import Channel, ScopeFound

router = APIRouter()
ACCEPTED = {"status": "accepted"}  # the same answer whether or not the address is known
LANGUAGE = Field("de", json_schema_extra=documented(type="string", enum=list(rules.LANGUAGES), default="de"))


class ScopeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str = Field(json_schema_extra=documented(type="string", enum=list(rules.SCOPE_TYPES)))
    id: str | None = Field(None, description="The measure's slug or id, or the field's slug; none for all.")


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(description="A public http(s) URL; private and loopback targets are refused.")
    secret: str = Field(description="Signs each payload: X-Radar-Signature = sha256=HMAC(secret, ts.body).")


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str | None = None
    webhook: WebhookIn | None = None
    scope: ScopeIn
    new_comments: bool = False
    language: str = LANGUAGE
    mode: str = Field(
        "immediate", json_schema_extra=documented(type="string", enum=list(rules.MODES), default="immediate")
    )


class CommentWatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment_id: str
    email: str
    language: str = LANGUAGE
    measure: str | None = Field(None, description="The comment's measure (slug or id), named in the mails.")


@router.post("/subscriptions", status_code=202)
async def subscribe(new: SubscriptionIn, request: Request) -> JSONResponse:
    """Ask for a subscription; a confirmation goes to the address (or webhook) and must be opened."""
    settings = settings_of(request)
    if (new.email is None) == (new.webhook is None):
        raise rules.NotificationsError("CHANNEL_REQUIRED", "Give either an e-mail address or a webhook.")
    scope = rules.scope_of(new.scope.model_dump())
    preferences = rules.preferences_of(
        new_comments=new.new_comments, language=new.language, mode=new.mode, webhook=new.webhook is not None
    )
    if new.webhook is not None:
        secret = rules.webhook_secret_of(new.webhook.secret)
        target = await check_webhook_url(new.webhook.url, allow_private=settings.webhook_allow_private)
        channel = Channel(webhook_url=target.url, webhook_secret=secret)
    else:
        channel = Channel(email=rules.email_of(new.email))
    await subscribing.request_subscription(
        runtime_of(request).pool,
        settings,
        channel=channel,
        scope=scope,
        preferences=preferences,
        participant_id=participant_of(request),
    )
    return JSONResponse(ACCEPTED, status_code=202)


@router.post("/comment-watch", status_code=202)
async def watch_comment(new: CommentWatchIn, request: Request) -> JSONResponse:
    """A comment's author leaves an address to hear its decision, confirmed like a subscription."""
    participant = participant_of(request)
    if participant is None:
        raise ApiError(401, "PARTICIPANT_REQUIRED", "This needs a participant identity.")
    comment_id = rules.comment_id_of(new.comment_id)
    email = rules.email_of(new.email)
    preferences = rules.preferences_of(
        new_comments=False, language=new.language, mode="immediate", webhook=False
    )
    pool = runtime_of(request).pool
    measure = await measures.find_measure(pool, new.measure) if new.measure else None
    scope = ScopeFound("comment", str(comment_id), measure["title"] if measure else None)
    await subscribing.request_subscription(
        pool,
        settings_of(request),
        channel=Channel(email=email),
        scope=scope,
        preferences=preferences,
        participant_id=participant,
    )
    return JSONResponse(ACCEPTED, status_code=202)


@router.get("/subscriptions/confirm")
async def confirm(request: Request, token: str | None = None) -> dict[str, Any]:
    """Open the confirmation link: confirmed (or already); 410 TOKEN_EXPIRED, 400 TOKEN_INVALID."""
    return await subscribing.confirm(runtime_of(request).pool, settings_of(request), token)
