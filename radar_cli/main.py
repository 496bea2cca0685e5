"""The `radar` command: run the system and show its status, add staff, handle dead letters, run an SMTP sink.

Every command finds the system through RADAR_DATA_DIR (default ./.radar).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections import Counter
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from radar_cli.runfile import read_running

if TYPE_CHECKING:
    from redis.asyncio import Redis


def fail(message: str) -> int:
    """Print an error the way the launcher prints its lines; the exit code for it."""
    print(f"radar: {message}", file=sys.stderr, flush=True)
    return 1


def data_dir() -> Path:
    """The data directory every command works on."""
    return Path(os.environ.get("RADAR_DATA_DIR") or ".radar").resolve()


def up(args: argparse.Namespace) -> int:
    """Start the whole system and supervise it until Ctrl-C or SIGTERM."""
    from radar_cli.launcher import Launcher

    return Launcher(dict(os.environ)).run()


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise ValueError("the two passwords differ")
    return password


def staff_add(args: argparse.Namespace) -> int:
    """Create a staff account (or give an existing one this role and a new password, ending its sessions)."""
    from radar_cli.staff import StaffError, add_staff_account, apply_change, check_staff_account

    try:
        password = _read_password()
        check_staff_account(email=args.email, password=password, role=args.role)
        add = partial(add_staff_account, email=args.email, password=password, role=args.role)
        change, ended = apply_change(add, data_dir=data_dir(), env=os.environ, redis_url=_redis_url())
    except (StaffError, ValueError, RuntimeError) as exc:
        return fail(str(exc))
    what = "created" if change.created else "updated (password replaced, role added)"
    print(f"radar: staff account {args.email} {what}; role {args.role}; {ended} open session(s) ended")
    return 0


def staff_password(args: argparse.Namespace) -> int:
    """Give a staff account a new password (read like `staff add`'s); its open sessions end."""
    from radar_cli.staff import StaffError, apply_change, change_password

    try:
        new = partial(change_password, email=args.email, password=_read_password())
        _, ended = apply_change(new, data_dir=data_dir(), env=os.environ, redis_url=_redis_url())
    except (StaffError, ValueError, RuntimeError) as exc:
        return fail(str(exc))
    print(f"radar: new password for staff account {args.email}; {ended} open session(s) ended")
    return 0


def staff_disable(args: argparse.Namespace) -> int:
    """Disable a staff account: it can no longer log in, and its open sessions end."""
    from radar_cli.staff import StaffError, apply_change, disable_account

    try:
        disable = partial(disable_account, email=args.email)
        _, ended = apply_change(disable, data_dir=data_dir(), env=os.environ, redis_url=_redis_url())
    except (StaffError, ValueError, RuntimeError) as exc:
        return fail(str(exc))
    print(f"radar: staff account {args.email} disabled; {ended} open session(s) ended")
    return 0


def seed(args: argparse.Namespace) -> int:
    """Load a data set into the catalog; measures whose slug exists already are kept as they are."""
    from radar_catalog.seed import read_dataset, seed_database
    from radar_cli.databases import service_database

    try:
        read_dataset(args.name)
    except ValueError as exc:
        return fail(str(exc))
    with service_database(data_dir(), os.environ, "catalog") as dsn:
        loaded = asyncio.run(seed_database(dsn, args.name))
    print(f"radar: loaded {loaded} new measure(s) from the {args.name} data set")
    if read_running(data_dir()) is None:
        print("radar: their events wait in the catalog's outbox until the next `radar up`")
    return 0


def oparl_import(args: argparse.Namespace) -> int:
    """Record the council papers of an OParl source as decisions and link them to the measures they name."""
    from radar_cli.databases import service_database
    from radar_cli.oparl import OParlError, import_into, read_papers

    try:
        papers = read_papers(args.source)
        with service_database(data_dir(), os.environ, "catalog") as dsn:
            counts = asyncio.run(import_into(dsn, papers))
    except OParlError as exc:
        return fail(f"{exc}; nothing was imported")
    print(
        f"radar: {counts['papers']} paper(s) read, {counts['new']} new decision(s),"
        f" {counts['measures_changed']} measure(s) changed"
    )
    return 0


def _redis_url() -> str | None:
    running = read_running(data_dir())
    if running and running.get("redis_url"):
        return str(running["redis_url"])
    return os.environ.get("RADAR_REDIS_URL") or None


async def _list_dead_letters(redis: Redis) -> None:
    from radar_lib.dlq import list_dead_letters
    from radar_lib.figures import dead_letter_counts

    letters = await list_dead_letters(redis)
    totals = await dead_letter_counts(redis)
    for letter in letters:
        print(
            f"{letter.dlq_id}  {letter.stream}  group={letter.group}  "
            f"deliveries={letter.deliveries}  dead_at={letter.dead_at}"
        )
        print(f"    error: {letter.error.strip().splitlines()[-1] if letter.error.strip() else '-'}")
    shown = Counter(letter.dlq_stream for letter in letters)
    for stream, total in totals.items():
        if shown[stream] < total:
            print(f"radar: showing {shown[stream]:,} of {total:,} dead letters on {stream}")
    total = sum(totals.values())
    print(f"radar: {total:,} dead letter(s)" + (f", {len(letters):,} shown" if len(letters) < total else ""))


async def _with_redis(url: str, args: argparse.Namespace) -> int:
    from redis.asyncio import Redis

    from radar_lib.dlq import replay

    async with Redis.from_url(url) as redis:
        if args.dlq_command == "list":
            await _list_dead_letters(redis)
            return 0
        count = await replay(redis, dlq_id=None if args.all else args.id)
        if count == 0 and not args.all:
            return fail(f"no dead letter with id {args.id} (see `radar dlq list`)")
        print(f"radar: replayed {count} dead letter(s)")
        return 0


def dlq(args: argparse.Namespace) -> int:
    """List or replay dead letters on the running system's Redis."""
    url = _redis_url()
    if url is None:
        return fail(
            f"the system is not running on {data_dir()} (start it with `radar up`), "
            "and RADAR_REDIS_URL is not set"
        )
    from redis.exceptions import ConnectionError as RedisConnectionError

    try:
        return asyncio.run(_with_redis(url, args))
    except RedisConnectionError as exc:
        return fail(f"cannot reach Redis at {url}: {exc}")


def status(args: argparse.Namespace) -> int:
    """Show readiness, consumer lag, outbox backlogs and dead letters; exit 1 when something needs a look."""
    from radar_cli.status import gather_status, problems, render_json, render_text

    running = read_running(data_dir())
    if running is None:
        return fail(f"the system is not running on {data_dir()} (start it with `radar up`)")
    report = gather_status(data_dir(), os.environ, running)
    print(render_json(report) if args.json else render_text(report))
    found = problems(report)
    for problem in found:
        print(f"radar: {problem}", file=sys.stderr)
    return 1 if found else 0


def asyncapi(args: argparse.Namespace) -> int:
    """Write docs/asyncapi.yaml from the services' declarations (or check that it is current)."""
    from radar_cli.asyncapi import DOCUMENT, render, write

    if args.check:
        if DOCUMENT.read_text(encoding="utf-8") != render():
            return fail(f"{DOCUMENT} is out of date; run `radar asyncapi`")
        print(f"radar: {DOCUMENT} is current")
        return 0
    print(f"radar: wrote {write()}")
    return 0


def acl(args: argparse.Namespace) -> int:
    """Write deploy/valkey/users.acl, the Redis users of every service, from the code (or check it)."""
    from radar_cli.acl import TEMPLATE, render_template, write_template

    if args.check:
        if TEMPLATE.read_text(encoding="utf-8") != render_template():
            return fail(f"{TEMPLATE} is out of date; run `radar acl`")
        print(f"radar: {TEMPLATE} is current")
        return 0
    print(f"radar: wrote {write_template()}")
    return 0


def smtp_sink(args: argparse.Namespace) -> int:
    """Run the SMTP sink in the foreground."""
    from radar_cli.smtp_sink import run

    return run(host=args.host, port=args.port, directory=Path(args.dir).resolve())


def build_parser() -> argparse.ArgumentParser:
    """The command line: up, staff add|password|disable, seed, status, dlq list|replay, asyncapi, acl, ..."""
    parser = argparse.ArgumentParser(prog="radar", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("up", help="start the whole system (Ctrl-C stops it)").set_defaults(func=up)

    staff_parser = commands.add_parser("staff", help="staff accounts")
    staff = staff_parser.add_subparsers(dest="staff_command", required=True)
    add = staff.add_parser("add", help="add a staff account; the password is read from stdin")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=("editor", "moderator", "admin"))
    add.set_defaults(func=staff_add)
    password = staff.add_parser("password", help="give a staff account a new password, read from stdin")
    password.add_argument("email")
    password.set_defaults(func=staff_password)
    disable = staff.add_parser("disable", help="disable a staff account; its open sessions end")
    disable.add_argument("email")
    disable.set_defaults(func=staff_disable)

    seed_parser = commands.add_parser("seed", help="load a data set into the catalog")
    seed_parser.add_argument("name", nargs="?", default="munich", help="the data set (default: munich)")
    seed_parser.set_defaults(func=seed)

    oparl_parser = commands.add_parser("oparl", help="council decisions from an OParl 1.1 system")
    oparl_commands = oparl_parser.add_subparsers(dest="oparl_command", required=True)
    oparl = oparl_commands.add_parser(
        "import",
        help="record OParl Papers as council decisions (all or nothing; twice is once)",
        description="Reads OParl 1.1 Papers (a list {data, links.next}, followed page by page, or one Paper) "
        "and records each as a council decision by its OParl id, else its reference (paper number). "
        "OParl names no measures: a paper is linked, as a decision that changed it, to every measure "
        "whose whole title appears in the paper's name; link the decision that created a measure by hand "
        "(POST /api/v1/measures/{ref}/decisions).",
    )
    oparl.add_argument("source", help="an http(s) or file:// URL, or a path to a JSON file")
    oparl.set_defaults(func=oparl_import)

    status_parser = commands.add_parser("status", help="readiness, consumer lag, outboxes, dead letters")
    status_parser.add_argument("--json", action="store_true", help="print the status as JSON")
    status_parser.set_defaults(func=status)

    dlq_parser = commands.add_parser("dlq", help="dead letters")
    dlq_commands = dlq_parser.add_subparsers(dest="dlq_command", required=True)
    dlq_commands.add_parser(
        "list", help="list dead letters (the oldest 100 per stream) and their totals"
    ).set_defaults(func=dlq)
    replay = dlq_commands.add_parser("replay", help="put dead letters back on their stream")
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", help="the dead letter's id, as `radar dlq list` shows it")
    which.add_argument("--all", action="store_true", help="replay every dead letter")
    replay.set_defaults(func=dlq)

    spec = commands.add_parser("asyncapi", help="write docs/asyncapi.yaml from the code")
    spec.add_argument("--check", action="store_true", help="only check that the file is current")
    spec.set_defaults(func=asyncapi)

    users = commands.add_parser("acl", help="write deploy/valkey/users.acl (a Redis user per service)")
    users.add_argument("--check", action="store_true", help="only check that the file is current")
    users.set_defaults(func=acl)

    sink = commands.add_parser("smtp-sink", help="run the local SMTP sink in the foreground")
    sink.add_argument("--host", default="127.0.0.1")
    sink.add_argument("--port", type=int, required=True)
    sink.add_argument("--dir", required=True, help="where received mail is stored as .eml files")
    sink.set_defaults(func=smtp_sink)
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `radar` console script."""
    args = build_parser().parse_args(argv)
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
