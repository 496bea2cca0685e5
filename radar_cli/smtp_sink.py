"""A local SMTP sink: it accepts every mail and keeps it as an .eml file; nothing is delivered.

The notifications service sends its mail here when the system runs on one machine, so a
developer (or a test) reads what would have gone out in `<data dir>/mail/`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session


class MailDirHandler:
    """Writes each received message to its own file in a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Store the message; answer 250 only once it is on disk."""
        content = envelope.original_content or b""  # the bytes as sent, not decoded
        recipients = ", ".join(envelope.rcpt_tos)
        # the envelope is not in the headers; readers need it to know who the mail went to
        head = f"X-Radar-Envelope-From: {envelope.mail_from}\r\nX-Radar-Envelope-To: {recipients}\r\n"
        await asyncio.to_thread(self.store, head.encode() + content)
        return "250 OK stored"

    def store(self, message: bytes) -> Path:
        """Write one message; a reader never sees a half-written file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as out:
            out.write(message)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        return path


async def serve(*, host: str, port: int, directory: Path) -> None:
    """Accept mail on host:port until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    handler = MailDirHandler(directory)
    server = await loop.create_server(lambda: SMTP(handler, hostname="radar-smtp-sink"), host, port)
    print(f"radar smtp-sink: listening on {host}:{port}, storing mail in {directory}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()
    print("radar smtp-sink: stopped", flush=True)


def run(*, host: str, port: int, directory: Path) -> int:
    """Run the sink in the foreground; exit code 0 after a signal."""
    directory.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(host=host, port=port, directory=directory))
    return 0
