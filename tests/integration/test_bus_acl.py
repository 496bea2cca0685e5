"""Least privilege on the bus: what each service's Valkey user is refused, on a Valkey started
with the ACL that `radar_cli.acl` generates, and the ACL file in deploy/ on a real server.
(Each service's runtime under its own user: test_bus_acl_runtime.py.)
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import AuthenticationError, NoPermissionError, ResponseError

from radar_cli import acl
from radar_cli.valkey import EmbeddedValkey
from radar_gateway.ratelimit import KEY_PREFIX, TAKE, RateLimiter
from radar_lib.trimmer import trim_stream
from tests.conftest import REPO_ROOT
from tests.integration.acl_bus import USERS, Bus, acl_file, bus, clients

pytestmark = pytest.mark.integration
__all__ = ["acl_file", "bus", "clients"]  # fixtures


# --- what each user is refused -----------------------------------------------------------


async def test_a_service_cannot_append_to_another_services_stream(clients: dict[str, Redis]) -> None:
    participation, moderation = clients["participation"], clients["moderation"]
    assert await participation.xadd("radar.comment.submitted", {"k": "v"})  # its own
    for stream in ("radar.comment.approved", "radar.comment.rejected", "radar.measure.published"):
        with pytest.raises(NoPermissionError):
            await participation.xadd(stream, {"forged": "event"})
    for stream in ("radar.comment.submitted", "radar.comment.published", "radar.measure.updated"):
        with pytest.raises(NoPermissionError):
            await moderation.xadd(stream, {"forged": "event"})
    for user in ("notifications", "gateway", "keda"):
        with pytest.raises(NoPermissionError):
            await clients[user].xadd("radar.comment.approved", {"forged": "event"})


async def test_a_service_may_dead_letter_only_the_streams_it_consumes(clients: dict[str, Redis]) -> None:
    moderation = clients["moderation"]
    assert await moderation.xadd("radar.dlq.comment.submitted", {"k": "v"})
    with pytest.raises(NoPermissionError):
        await moderation.xadd("radar.dlq.comment.approved", {"k": "v"})


async def test_a_service_cannot_read_streams_it_does_not_consume(clients: dict[str, Redis]) -> None:
    await clients[acl.ADMIN].xadd("radar.comment.approved", {"k": "v"})
    moderation, notifications = clients["moderation"], clients["notifications"]
    with pytest.raises(NoPermissionError):
        await moderation.xgroup_create("radar.comment.approved", "moderation", id="0", mkstream=True)
    with pytest.raises(NoPermissionError):
        await moderation.xreadgroup("participation", "intruder", {"radar.comment.approved": "0"})
    with pytest.raises(NoPermissionError):
        await notifications.xrange("radar.comment.submitted")
    with pytest.raises(NoPermissionError):
        await clients["gateway"].xread({"radar.comment.submitted": "0"})
    with pytest.raises(NoPermissionError):  # only the consuming group's service may acknowledge
        await clients["catalog"].xack("radar.comment.approved", "participation", "0-1")


async def test_a_service_trims_only_the_streams_it_writes(clients: dict[str, Redis]) -> None:
    admin, stream = clients[acl.ADMIN], "radar.comment.approved"
    for _ in range(3):
        await admin.xadd(stream, {"k": "v"})
    await admin.xgroup_create(stream, "participation", id="0")
    await admin.xreadgroup("participation", "p-1", {stream: ">"}, count=1)  # one pending: XPENDING too
    await trim_stream(clients["moderation"], stream, keep=1, lag_alarm=100)  # its own stream
    for user in ("participation", "notifications", "gateway"):
        with pytest.raises(NoPermissionError):
            await trim_stream(clients[user], stream, keep=1, lag_alarm=100)
    with pytest.raises(NoPermissionError):
        await clients["participation"].xtrim(stream, maxlen=0)


async def test_no_service_but_the_gateway_touches_sessions_or_rate_limits(clients: dict[str, Redis]) -> None:
    forged = "radar:session:" + "0" * 64
    value = '{"staff_id": "00000000-0000-0000-0000-000000000000", "roles": ["admin"]}'
    for user in (*acl.BACKENDS, acl.KEDA):
        with pytest.raises(NoPermissionError):
            await clients[user].set(forged, value)
        with pytest.raises(NoPermissionError):
            await clients[user].get(forged)
        with pytest.raises(NoPermissionError):
            await clients[user].incr("radar:rate:comments:p:someone")
    assert await clients["gateway"].set(forged, value, ex=60)
    with pytest.raises(NoPermissionError):  # and the gateway only its own keys
        await clients["gateway"].set("radar:attempts:participation:radar.comment.approved", "0")


async def test_the_gateway_counts_its_rate_limits_in_one_script_on_its_own_keys_alone(
    clients: dict[str, Redis],
) -> None:
    key = f"comments:p:{secrets.token_hex(6)}"
    limiter = RateLimiter(clients["gateway"])  # the script is loaded by its first EVALSHA
    assert await limiter.take([(key, 1, 60)]) == 0
    assert 0 < await limiter.take([(key, 1, 60)]) <= 60
    assert await clients[acl.ADMIN].get(f"{KEY_PREFIX}{key}") == b"2"  # counted in Valkey, not in memory
    with pytest.raises(NoPermissionError):  # the script touches no key beyond the gateway's
        await clients["gateway"].register_script(TAKE)(keys=["radar:attempts:x"], args=[1, 60])
    for user in (*acl.BACKENDS, acl.KEDA):
        with pytest.raises(NoPermissionError):
            await clients[user].register_script(TAKE)(keys=[f"{KEY_PREFIX}{key}"], args=[1, 60])


async def test_no_service_may_flush_or_administer_valkey(clients: dict[str, Redis]) -> None:
    for user in (*acl.SERVICES, acl.KEDA):
        for command in (("FLUSHALL",), ("KEYS", "*"), ("CONFIG", "GET", "*"), ("ACL", "LIST")):
            with pytest.raises(NoPermissionError):
                await clients[user].execute_command(*command)


async def test_valkey_refuses_a_connection_without_the_right_password(bus: Bus) -> None:
    async with Redis.from_url(bus.valkey.url) as anonymous:
        with pytest.raises((AuthenticationError, ResponseError)):
            await anonymous.ping()
        with pytest.raises((AuthenticationError, ResponseError)):
            await anonymous.set("radar:session:x", "{}")
    wrong = bus.valkey.url_for(acl.ADMIN, "not-the-password")
    async with Redis.from_url(wrong) as guesser:
        with pytest.raises(AuthenticationError):
            await guesser.ping()
    async with bus.client(acl.ADMIN) as admin:
        assert await admin.ping()


# --- the file in deploy/ on a real server ---------------------------------------------------


def render_deploy_acl(output: Path, passwords: dict[str, str], *left_out: str) -> None:
    """deploy/valkey/users.acl filled in by render-acl.sh, as compose and the Job's Secret get it."""
    env = {**os.environ, **{acl.password_variable(user): pw for user, pw in passwords.items()}}
    script = REPO_ROOT / "deploy" / "valkey" / "render-acl.sh"
    subprocess.run(["sh", str(script), str(acl.TEMPLATE), str(output), *left_out], env=env, check=True)


async def test_the_deploy_acl_lets_each_user_in_and_sets_the_same_users_as_acl_setuser(
    tmp_path: Path,
) -> None:
    passwords = {user: secrets.token_urlsafe(24) for user in USERS}
    render_deploy_acl(tmp_path / "users.acl", passwords)
    loaded = EmbeddedValkey(
        tmp_path / "file", durable=False, acl_file=tmp_path / "users.acl", password=passwords[acl.ADMIN]
    )
    applied = EmbeddedValkey(tmp_path / "setuser", durable=False)  # as the Kubernetes Job does
    render_deploy_acl(tmp_path / "job.acl", passwords, acl.ADMIN)
    loaded.start()
    applied.start()
    try:
        for user in USERS:
            async with Redis.from_url(loaded.url_for(user, passwords[user])) as client:
                assert await client.ping(), user
        async with Redis.from_url(applied.url, decode_responses=True) as admin:
            for line in (tmp_path / "job.acl").read_text().splitlines():
                _, name, *rules = line.split()  # split into words, as the Job's shell does
                assert await admin.execute_command("ACL", "SETUSER", name, *rules) == "OK"
            set_by_job = {
                u for u in await admin.execute_command("ACL", "LIST") if not u.startswith("user default ")
            }
        async with Redis.from_url(
            loaded.url_for(acl.ADMIN, passwords[acl.ADMIN]), decode_responses=True
        ) as admin:
            from_file = {
                u for u in await admin.execute_command("ACL", "LIST") if not u.startswith("user default ")
            }
        assert set_by_job == from_file
    finally:
        loaded.stop()
        applied.stop()
