"""Least privilege on the bus: one Redis ACL user per service, generated from the code.

Each service's user may append only to the streams it publishes (its `PUBLISHES`) and to the
dead-letter streams of the streams it consumes; may read, acknowledge and claim only the
streams its `register` subscribes; may trim only its own streams; and may touch only its own
bookkeeping keys. The gateway may use only its session, log-in and rate-limit keys and
follow the measure streams its cache watches. The `keda` user may only read the figures of
the consumed streams that KEDA scales on. Every user may run the few keyless commands a
client sends on connect, plus MULTI/EXEC, WAITAOF and SCAN (the figures find the dead-letter
streams by name). The `default` user is the administrator: everything, with a password.

Redis ACLs cannot name a consumer group: a service whose stream another service also reads
(measure.*: participation and notifications) could act in the other's group on it.

The same rules serve three places: the embedded Valkey of `radar up` (an ACL file with the
passwords' SHA-256), deploy/valkey/users.acl (`radar acl`; passwords as `${VARIABLE}`
placeholders that deploy/valkey/render-acl.sh fills in) and `ACL SETUSER` on a managed Redis.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from radar_cli.asyncapi import BACKENDS, service_events
from radar_lib.consumer import attempts_key
from radar_lib.dlq import dead_letter_counter, error_key
from radar_lib.events import DLQ_PREFIX, dlq_stream_for

ADMIN = "default"  # Redis's own administrator user; the `radar` command connects as it
KEDA = "keda"
SERVICES = (*BACKENDS, "gateway")
TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "valkey" / "users.acl"

# keyless commands every user may send: redis-py sends CLIENT SETINFO on connect (and SELECT
# for a database other than 0), go-redis (KEDA) HELLO; PING for health, MULTI/EXEC for pipelines
CONNECTION = ("hello", "client|setinfo", "select", "ping", "multi", "exec", "discard")
SERVICE_EXTRAS = ("waitaof", "scan")  # the relay's WAITAOF; the figures find dead-letter streams
CONSUME = (
    "xreadgroup", "xack", "xautoclaim", "xclaim", "xpending", "xrange",
    "xinfo|groups", "xinfo|consumers", "xinfo|stream", "xgroup|create", "xgroup|delconsumer",
)  # fmt: skip
RETAIN = ("xinfo|groups", "xpending", "xrevrange", "xtrim")  # radar_lib.trimmer on the streams it writes
# erasure deletes the entries that carried a participant's text from the streams a service writes,
# and their dead letters (radar_participation.erasure)
ERASE = ("xdel",)
ERASE_DEAD_LETTERS = ("xrange", "xdel")
ATTEMPTS = ("hincrby", "hget", "hset", "hdel")
SCALER = ("xinfo|groups", "xinfo|stream", "xpending", "xlen")  # what KEDA's redis-streams scaler reads

# the gateway's keys (radar_gateway.sessions, .logins, .ratelimit): a test checks that its code
# uses no other
GATEWAY_KEYS = ("radar:session:*", "radar:staff-sessions:*", "radar:login:*", "radar:rate:*")
GATEWAY_KEY_COMMANDS = (
    "@string", "@hash", "@set", "@sortedset",
    "del", "unlink", "exists", "type", "expire", "pexpire", "expireat", "pexpireat",
    "persist", "ttl", "pttl",
)  # fmt: skip
# the rate limit's script (radar_gateway.ratelimit.TAKE): loaded by the gateway, run on its keys,
# whose every command the ACL checks as if the gateway had sent it
GATEWAY_SCRIPT_LOAD = ("script|load",)  # no keys: allowed beside the connection's commands
GATEWAY_SCRIPT_RUN = ("evalsha",)


@dataclass(frozen=True)
class Grant:
    """Commands allowed on some keys: one ACL selector."""

    commands: tuple[str, ...]
    keys: tuple[str, ...]

    def rule(self) -> str:
        return "(" + " ".join([*(f"+{c}" for c in self.commands), *(f"~{k}" for k in self.keys)]) + ")"


def _sorted(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(names)))


def service_grants(service: str) -> list[Grant]:
    """What a back-end service's user may do, from its subscriptions and its PUBLISHES."""
    events = service_events(service)
    owned = _sorted(event.stream() for event in events.publishes)
    consumed = _sorted(events.consumes)
    grants = [Grant(("xlen",), (f"{DLQ_PREFIX}*",))]  # /metrics counts every dead letter
    if owned:
        grants += [
            Grant(("xadd",), owned),
            Grant(RETAIN + ERASE, owned),
            Grant(ERASE_DEAD_LETTERS, _sorted(dlq_stream_for(s) for s in owned)),
        ]
    if consumed:
        grants += [
            Grant(CONSUME, consumed),
            Grant(("xadd",), _sorted(dlq_stream_for(s) for s in consumed)),
            Grant(ATTEMPTS, (attempts_key(service, "*"),)),
            Grant(
                ("incr", "incrby"), (dead_letter_counter(service), f"radar:trimmed-unacknowledged:{service}")
            ),
            Grant(("del",), (error_key(service, "*", b"*"),)),
        ]
    return grants


def gateway_grants() -> list[Grant]:
    """The gateway's keys, and the streams its caches follow in every process (PAGE_STREAMS holds
    the measure streams and participation.changed)."""
    from radar_gateway.cache import PAGE_STREAMS

    return [
        Grant(GATEWAY_KEY_COMMANDS + GATEWAY_SCRIPT_RUN, GATEWAY_KEYS),
        Grant(("xread", "xrevrange"), _sorted(PAGE_STREAMS)),
    ]


def keda_grants() -> list[Grant]:
    """The figures of every stream a back-end group reads, for KEDA's stream scaler."""
    consumed = _sorted(stream for s in BACKENDS for stream in service_events(s).consumes)
    return [Grant(SCALER, consumed)]


def user_rules() -> dict[str, str]:
    """Every user's rules after its password, as an ACL file line or ACL SETUSER takes them."""
    base = "resetchannels -@all " + " ".join(f"+{c}" for c in CONNECTION)
    grants = {s: service_grants(s) for s in BACKENDS}
    grants["gateway"] = gateway_grants()
    rules = {ADMIN: "~* &* +@all"}
    for user, granted in grants.items():
        extras = " ".join(
            f"+{c}" for c in SERVICE_EXTRAS + (GATEWAY_SCRIPT_LOAD if user == "gateway" else ())
        )
        rules[user] = f"{base} {extras} " + " ".join(g.rule() for g in granted)
    rules[KEDA] = f"{base} " + " ".join(g.rule() for g in keda_grants())
    return rules


def acl_lines(passwords: Mapping[str, str], rules: Mapping[str, str]) -> str:
    """ACL file lines for the users in `passwords` (user -> its password rule: `>pw` or `#sha256`)."""
    return "".join(f"user {user} reset on {passwords[user]} {rules[user]}\n" for user in passwords)


def password_variable(user: str) -> str:
    """The environment variable that holds a user's password in docker-compose and Kubernetes."""
    return "ADMIN_REDIS_PASSWORD" if user == ADMIN else f"{user.upper()}_REDIS_PASSWORD"


def render_template() -> str:
    """deploy/valkey/users.acl as it follows from the code now."""
    rules = user_rules()
    placeholders = {user: f">${{{password_variable(user)}}}" for user in rules}
    header = (
        "# Generated by `radar acl` from the services' code; do not edit (a test compares it).\n"
        "# One user per service; ${VARIABLE} is filled in by deploy/valkey/render-acl.sh.\n"
    )
    return header + acl_lines(placeholders, rules)


def write_template(path: Path = TEMPLATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_template(), encoding="utf-8")
    return path


def write_acl_file(path: Path, passwords: Mapping[str, str], rules: Mapping[str, str]) -> Path:
    """An ACL file (mode 0600) for the users in `passwords`, with the SHA-256 of each password."""
    hashed = {user: "#" + hashlib.sha256(pw.encode()).hexdigest() for user, pw in passwords.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(acl_lines(hashed, rules))
    tmp.chmod(0o600)
    tmp.replace(path)
    return path
