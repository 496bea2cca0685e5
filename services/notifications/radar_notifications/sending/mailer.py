"""Mail through SMTP (aiosmtplib): one connection per Mailer, and what the relay's answer means.

Every mail carries a Message-ID derived from its delivery (and so from the event and the
subscription): when the process dies after the relay took a mail but before the delivery was
marked sent, the delivery is sent once more, with the same Message-ID, and a mail client shows
the two as one. Every mail carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058); the
bytes are made in letters.py.

The relay's answers are sorted: a 5xx for the recipient or the content fails the delivery for
good (a bounce); a 4xx is tried again later; a relay that cannot be reached, drops the line,
times out or refuses us (log-in, sender) is ServerAway: nothing is counted and the sender waits.
A send that is cancelled (the service stops) drops its connection: a half-spoken line is no use.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging

import aiosmtplib

from radar_notifications.config import NotificationsSettings
from radar_notifications.sending.letters import Letter
from radar_notifications.sending.outcomes import SENT, Outcome, ServerAway, refused

log = logging.getLogger(__name__)


class Mailer:
    """One SMTP connection, kept open between mails and opened again when it is lost."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings
        self.sender = email.utils.parseaddr(settings.mail_from)[1] or settings.mail_from
        self._smtp: aiosmtplib.SMTP | None = None

    async def _client(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        s = self.settings
        smtp = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_user or None,
            password=s.smtp_password or None,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            cert_bundle=s.smtp_ca_file or None,
            timeout=s.smtp_timeout_seconds,
        )
        await smtp.connect()  # greets, secures the line and logs in, as the settings say
        self._smtp = smtp
        return smtp

    async def send(self, letter: Letter) -> Outcome:
        """Hand one letter to the relay; ServerAway when the relay is not there for us."""
        try:
            smtp = await self._client()
            utf8 = not letter.to.isascii()
            if utf8 and not smtp.supports_extension("smtputf8"):
                return refused("553 the relay takes no SMTPUTF8 address", permanent=True, bounce=False)
            eightbit = smtp.supports_extension("8bitmime")
            options = ["BODY=8BITMIME"] * eightbit + ["SMTPUTF8"] * utf8
            await smtp.sendmail(
                self.sender, [letter.to], letter.as_bytes(eightbit=eightbit), mail_options=options
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            code = max((r.code for r in exc.recipients), default=550)
            return refused(
                f"{code} {exc.recipients[0].message if exc.recipients else ''}", permanent=code >= 500
            )
        except aiosmtplib.SMTPDataError as exc:
            return refused(f"{exc.code} {exc.message}", permanent=exc.code >= 500)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self.close()
            raise ServerAway(f"SMTP {self.settings.smtp_host}:{self.settings.smtp_port}: {exc}") from exc
        except asyncio.CancelledError:
            self.drop()
            raise
        return SENT

    def drop(self) -> None:
        """Close the connection without a word to the relay."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    async def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            if smtp.is_connected:
                await smtp.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            smtp.close()
