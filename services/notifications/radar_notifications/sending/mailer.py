"""Mail through SMTP (aiosmtplib): the message with its headers, and what the relay's answer means.

Every mail carries a Message-ID derived from its delivery (and so from the event and the
subscription): when the process dies after the relay took a mail but before the delivery was
marked sent, the delivery is sent once more, with the same Message-ID, and a mail client shows
the two as one. Every mail carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).

The relay's answers are sorted: a 5xx for the recipient or the content fails the delivery for
good (a bounce); a 4xx is tried again later; a relay that cannot be reached, drops the line,
times out or refuses us (log-in, sender) is ServerAway: nothing is counted and the sender waits.
"""

from __future__ import annotations

import email.utils
import logging
from email import policy
from email.message import EmailMessage

import aiosmtplib

from radar_notifications.config import NotificationsSettings
from radar_notifications.domain.render import Mail
from radar_notifications.sending.outcomes import SENT, Outcome, ServerAway, refused

log = logging.getLogger(__name__)

# long header lines (an unsubscribe URL with its token) must stay as they are, not be encoded
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


def mail_domain(mail_from: str) -> str:
    """The domain Message-IDs are made in: the sender address's."""
    return mail_from.rpartition("@")[2] or "localhost"


def message_of(
    mail: Mail, *, delivery_id: str, to: str, mail_from: str, unsubscribe_url: str
) -> EmailMessage:
    """The message as it goes out: plain text and HTML, with the list headers and a stable Message-ID."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = mail_from
    message["To"] = to
    message["Subject"] = mail.subject
    message["Date"] = email.utils.formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = f"<{delivery_id}@{mail_domain(mail_from)}>"
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = mail.language
    message.set_content(mail.text())
    message.add_alternative(mail.html(), subtype="html")
    return message


class Mailer:
    """One SMTP connection, kept open between mails and opened again when it is lost."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings
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

    async def send(self, message: EmailMessage) -> Outcome:
        """Hand one message to the relay; ServerAway when the relay is not there for us."""
        try:
            smtp = await self._client()
            await smtp.send_message(message)
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
        return SENT

    async def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            if smtp.is_connected:
                await smtp.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            smtp.close()
