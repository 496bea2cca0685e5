"""The notifications service on real servers, with a real SMTP sink, and what its tests do over and over.

No tests here: the other test_notifications_* modules import from it. The SMTP sink is the one
`radar smtp-sink` runs (radar_cli.smtp_sink.MailDirHandler), served by aiosmtpd in the test's
event loop; it can refuse chosen recipients with a 5xx and be stopped and started again.
"""

from __future__ import annotations

import asyncio
import ssl
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from fastapi import FastAPI

from radar_cli.embedded import EmbeddedPostgres, EmbeddedValkey, free_port
from radar_cli.smtp_sink import MailDirHandler
from radar_lib.events import (
    CommentPublished,
    CommentPublishedPayload,
    Event,
    MeasureChange,
    MeasurePublished,
    MeasureSnapshot,
    MeasureUpdated,
    MeasureUpdatedPayload,
    utcnow,
)
from radar_lib.token import ANONYMOUS, Principal
from radar_notifications.config import NotificationsSettings
from radar_notifications.main import create_app
from tests import conftest
from tests.conftest import TOKEN_SECRET, running_service, token_headers
from tests.integration.helpers import eventually, publish_raw


class RefusingHandler(MailDirHandler):
    """The sink's handler, refusing the recipients in `refuse` with a permanent 550."""

    def __init__(self, directory: Path, refuse: set[str]) -> None:
        super().__init__(directory)
        self.refuse = refuse

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Sink:
    """A real SMTP server in this event loop that keeps each mail as an .eml file."""

    def __init__(
        self,
        directory: Path,
        *,
        tls: ssl.SSLContext | None = None,
        logins: dict[str, str] | None = None,
    ) -> None:
        self.directory = directory
        self.port = free_port()
        self.tls = tls  # when given, STARTTLS is required before any mail
        self.logins = logins  # when given, a log-in (after STARTTLS) is required
        self.refused_logins = 0
        self.refuse: set[str] = set()
        self._read: dict[Path, EmailMessage] = {}
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        handler = RefusingHandler(self.directory, self.refuse)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(
                handler,
                hostname="radar-smtp-sink",
                tls_context=self.tls,
                require_starttls=self.tls is not None,
                authenticator=self._authenticate if self.logins is not None else None,
                auth_required=self.logins is not None,
            ),
            "127.0.0.1",
            self.port,
        )

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword) or self.logins is None:
            return AuthResult(success=False, handled=False)
        known = self.logins.get(auth_data.login.decode())
        success = known is not None and known == auth_data.password.decode()
        self.refused_logins += 0 if success else 1
        return AuthResult(success=success, handled=False)  # not handled: aiosmtpd answers 535 itself

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def mails(self) -> list[EmailMessage]:
        """Every mail received so far, oldest first (each file is read once)."""
        files = sorted(self.directory.glob("*.eml")) if self.directory.exists() else []
        for path in files:
            if path not in self._read:
                self._read[path] = cast(
                    EmailMessage, message_from_bytes(path.read_bytes(), policy=policy.default)
                )
        return [self._read[path] for path in files]

    def mails_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mails() if m["X-Radar-Envelope-To"] == address]


def body_of(mail: EmailMessage, subtype: str = "plain") -> str:
    part = mail.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return cast(str, cast(EmailMessage, part).get_content())


def link_in(mail: EmailMessage, path: str) -> str:
    """The token of the first link to `path` in the mail's plain text."""
    for word in body_of(mail).split():
        if path in word:
            return parse_qs(urlsplit(word).query)["token"][0]
    raise AssertionError(f"no link to {path} in the mail")


def header_token(mail: EmailMessage) -> str:
    """The token of the mail's List-Unsubscribe URL."""
    url = str(mail["List-Unsubscribe"]).strip("<>")
    return parse_qs(urlsplit(url).query)["token"][0]


def new_measure(*, field_slug: str | None = None, status: str = "geplant") -> MeasurePublished:
    """A measure.published event of a new measure, in a field of its own unless one is given."""
    measure_id = uuid.uuid4()
    return cast(
        MeasurePublished,
        MeasurePublished.create(
            producer="catalog",
            payload=MeasureSnapshot(
                measure_id=measure_id,
                version=1,
                slug=f"massnahme-{measure_id.hex[:8]}",
                title="E-Akte für alle Ämter",
                field_slug=field_slug or f"feld-{uuid.uuid4().hex[:8]}",
                status=status,
            ),
        ),
    )


def status_change(
    published: MeasurePublished, *, version: int, old: str, new: str, note: str = "Umsetzung begonnen."
) -> MeasureUpdated:
    """A measure.updated event that changes the status (and progress) at this version."""
    snapshot = published.payload
    payload = MeasureUpdatedPayload(
        **snapshot.model_dump(exclude={"version", "status"}),
        version=version,
        status=new,
        changes=[
            MeasureChange(field="status", old=old, new=new),
            MeasureChange(field="progress", old=None, new=version * 10),
        ],
        change_note=note,
    )
    return cast(MeasureUpdated, MeasureUpdated.create(producer="catalog", payload=payload))


def published_comment(measure_id: uuid.UUID, *, reply: bool = False) -> CommentPublished:
    """A comment.published event as participation emits it."""
    return cast(
        CommentPublished,
        CommentPublished.create(
            producer="participation",
            payload=CommentPublishedPayload(
                comment_id=uuid.uuid4(),
                measure_id=measure_id,
                body="Ein Kommentar, der auf der Seite bleibt.",
                published_at=utcnow(),
                parent_id=uuid.uuid4() if reply else None,
            ),
        ),
    )


@dataclass
class Notifications:
    app: FastAPI
    client: httpx.AsyncClient
    redis_url: str
    sink: Sink
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pool(self) -> asyncpg.Pool:
        return self.app.state.runtime.pool

    @property
    def settings(self) -> NotificationsSettings:
        return cast(NotificationsSettings, self.app.state.runtime.settings)

    async def subscribe(self, who: Principal = ANONYMOUS, **body: Any) -> httpx.Response:
        return await self.client.post("/subscriptions", json=body, headers=token_headers(who))

    async def call(self, method: str, path: str, *, token: str, **kw: Any) -> httpx.Response:
        return await self.client.request(
            method, path, params={"token": token}, headers=token_headers(ANONYMOUS), **kw
        )

    async def publish(self, event: Event) -> None:
        """Publish as its producer does, and wait until notifications handled it."""
        await publish_raw(self.redis_url, event)

        async def handled() -> bool:
            return bool(
                await self.pool.fetchval(
                    "SELECT true FROM processed_events WHERE event_id = $1", event.event_id
                )
            )

        await eventually(handled)

    async def measure(self, **kw: Any) -> MeasurePublished:
        """A new measure that notifications knows."""
        event = new_measure(**kw)
        await self.publish(event)
        return event

    async def mails(self, address: str, count: int) -> list[EmailMessage]:
        """The mails to this address, once there are `count` of them."""
        await eventually(lambda: _async(len(self.sink.mails_to(address)) >= count))
        return self.sink.mails_to(address)

    async def settled(self) -> None:
        """Wait until nothing is due to be sent."""

        async def nothing_due() -> bool:
            return not await self.pool.fetchval(
                "SELECT count(*) FROM deliveries WHERE state = 'pending' AND next_attempt_at <= now()"
            )

        await eventually(nothing_due)

    async def subscribed(self, email: str, **body: Any) -> str:
        """A confirmed subscription of this address (the confirmation mail opened); its manage token."""
        before = len(self.sink.mails_to(email))
        r = await self.subscribe(email=email, **body)
        assert r.status_code == 202, r.text
        confirmation = (await self.mails(email, before + 1))[before]
        r = await self.call(
            "GET", "/subscriptions/confirm", token=link_in(confirmation, "/subscriptions/confirm")
        )
        assert r.status_code == 200, r.text
        return link_in(confirmation, "/subscriptions/manage")

    async def count(self, sql: str, *args: Any) -> int:
        return int(await self.pool.fetchval(sql, *args))


async def _async(value: Any) -> Any:
    return value


def address() -> str:
    return f"buerger-{uuid.uuid4().hex[:10]}@example.org"


@asynccontextmanager
async def shared_notifications(
    pg: EmbeddedPostgres, valkey: EmbeddedValkey, directory: Path
) -> AsyncIterator[Notifications]:
    """One service for a module of tests whose assertions are about their own addresses only."""
    redis_url = f"redis://127.0.0.1:{valkey.port}/{next(conftest._next_redis_db)}"

    def new_database(service: str) -> str:
        return pg.ensure_service_database(f"{service}_{uuid.uuid4().hex[:10]}")

    async with running_notifications(new_database, redis_url, directory) as running:
        yield running


@asynccontextmanager
async def running_notifications(
    new_database: Callable[[str], str],
    redis_url: str,
    directory: Path,
    *,
    sink: Sink | None = None,
    **settings: Any,
) -> AsyncIterator[Notifications]:
    """The notifications service with a fresh database, a running SMTP sink and these settings changed."""
    sink = sink or Sink(directory / "mail")
    await sink.start()
    values: dict[str, Any] = {
        "database_url": new_database("notifications"),
        "redis_url": redis_url,
        "internal_token_secret": TOKEN_SECRET,
        "env": "development",  # as `radar up` runs it (a module's shared service starts before monkeypatch)
        "smtp_port": sink.port,
        "public_url": "https://radar.example.org",
        "sender_poll_seconds": 0.05,
        "retry_first_seconds": 0.05,
        "retry_cap_seconds": 0.2,
        "sweep_interval_seconds": 3600.0,
        "figures_interval_seconds": 0.2,
    }
    app = create_app(NotificationsSettings(**(values | settings)))
    try:
        async with running_service(app) as client:
            yield Notifications(app, client, redis_url, sink)
    finally:
        await sink.stop()
