"""A Valkey that lets in only the users `radar_cli.acl` generates, for the bus ACL tests.

Each test starts its own server (the session's shared one has no ACL, and other tests rely
on that); `Bus.refusals` reads its ACL LOG as the administrator: a run that needed a command
its user may not send leaves an entry there even where the code retried and went on.
Import the fixtures into a test module to use them.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from radar_cli import acl
from radar_cli.valkey import EmbeddedValkey

USERS = (acl.ADMIN, *acl.SERVICES, acl.KEDA)


@dataclass
class Bus:
    """A Valkey that lets in only the generated users."""

    valkey: EmbeddedValkey
    passwords: dict[str, str]

    def url(self, user: str) -> str:
        return self.valkey.url_for(user, self.passwords[user])

    def client(self, user: str) -> Redis:
        return Redis.from_url(self.url(user))

    async def refusals(self) -> list[dict[str, Any]]:
        """What the ACL refused since the start (ACL LOG), oldest last."""
        async with self.client(acl.ADMIN) as admin:
            return list(await admin.acl_log())


@pytest.fixture(scope="module")
def acl_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The generated ACL with fresh passwords (generating it imports every service: once per module)."""
    passwords = {user: secrets.token_urlsafe(24) for user in USERS}
    path = acl.write_acl_file(tmp_path_factory.mktemp("acl") / "users.acl", passwords, acl.user_rules())
    yield path, passwords


@pytest.fixture
def bus(tmp_path: Path, acl_file: tuple[Path, dict[str, str]]) -> Iterator[Bus]:
    path, passwords = acl_file
    server = EmbeddedValkey(tmp_path, durable=False, acl_file=path, password=passwords[acl.ADMIN])
    server.start()
    yield Bus(server, passwords)
    server.stop()


@pytest_asyncio.fixture
async def clients(bus: Bus) -> AsyncIterator[dict[str, Redis]]:
    """A client per user."""
    opened = {user: bus.client(user) for user in USERS}
    yield opened
    for client in opened.values():
        await client.aclose()
