"""Development only: the mails the local SMTP sink kept (radar_cli/smtp_sink.py), at /dev/mail.

`radar up` sets RADAR_MAIL_DIR to the sink's folder; without that setting the page is 404.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import cast

from fastapi import APIRouter
from fastapi.responses import Response

from radar_gateway.context import gateway_of
from radar_gateway.web.pages import PageDep
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.render import render

router = APIRouter(include_in_schema=False)
SHOWN = 100  # the newest mails
URL = re.compile(r"(https?://[^\s<>\"]+)")


@dataclass(frozen=True)
class Mail:
    subject: str
    to: str
    date: str
    parts: list[tuple[str, bool]]  # the plain text in pieces: (text, is a link)


def _newest(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)[:SHOWN]


def _read(path: Path) -> Mail:
    mail = cast(EmailMessage, message_from_bytes(path.read_bytes(), policy=policy.default))
    body = mail.get_body(preferencelist=("plain",))
    text = str(cast(EmailMessage, body).get_content()) if body is not None else ""
    pieces = URL.split(text)  # odd places hold the links
    return Mail(
        subject=str(mail["Subject"] or ""),
        to=str(mail["X-Radar-Envelope-To"] or mail["To"] or ""),
        date=str(mail["Date"] or ""),
        parts=[(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece],
    )


@router.get("/dev/mail")
async def mail_page(page: PageDep) -> Response:
    """The newest mails first, each with its plain text and clickable links."""
    folder = gateway_of(page.request).settings.mail_dir
    if not folder:
        raise PageProblem(404)
    mails = await asyncio.to_thread(lambda: [_read(p) for p in _newest(Path(folder))])
    return render(page, "dev_mail.html", mails=mails, folder=folder)
