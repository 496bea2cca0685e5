"""A citizen follows a measure by e-mail in a real browser: the form, the mail, the confirmation link."""

from __future__ import annotations

import time
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest

from tests.browser.conftest import RunningRadar
from tests.integration.notifications_service import body_of

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
SLUG = "open-library"  # in the Munich data set, and used by no other browser test


def mail_to(radar: RunningRadar, address: str) -> EmailMessage:
    """The mail the sink of `radar up` kept for this address, once it is there."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in sorted((radar.data_dir / "mail").glob("*.eml")):
            mail = cast(EmailMessage, message_from_bytes(path.read_bytes(), policy=policy.default))
            if mail["X-Radar-Envelope-To"] == address:
                return mail
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address}")


def test_a_citizen_subscribes_on_the_measure_page_and_confirms_by_the_mailed_link(
    page: Any, radar: RunningRadar
) -> None:
    address = f"folgt-{uuid.uuid4().hex[:8]}@example.org"
    page.goto(f"/massnahmen/{SLUG}")
    form = page.locator("#abonnieren")
    form.get_by_label("E-Mail-Adresse", exact=True).fill(address)
    form.get_by_label("Wie oft?").select_option("digest")
    form.get_by_role("button", name="Benachrichtigungen bestellen").click()
    page.wait_for_url(f"**/massnahmen/{SLUG}#abonnieren")
    assert "Link zur Bestätigung" in page.get_by_role("status").inner_text()

    confirm = next(w for w in body_of(mail_to(radar, address)).split() if "/subscriptions/confirm?" in w)
    assert confirm.startswith(radar.url), "the link leads to this radar"
    page.goto(confirm)
    assert page.get_by_role("heading", level=1).inner_text() == "Bestätigt"
    assert "Ihre Benachrichtigung ist bestätigt" in page.get_by_role("status").inner_text()

    page.goto("/dev/mail")  # `radar up` shows the sink's mails
    assert page.get_by_role("heading", name="Gesendete E-Mails (Entwicklung)").is_visible()
    assert page.get_by_text(address).first.is_visible()
