"""`radar smtp-sink`: every mail it accepts lands in its directory as an .eml file."""

from __future__ import annotations

import signal
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from radar_cli.embedded import free_port

pytestmark = pytest.mark.integration


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listens on {port}"
            time.sleep(0.05)


def test_received_mail_is_stored_as_eml_file_with_its_envelope(tmp_path: Path) -> None:
    port = free_port()
    radar = Path(sys.executable).parent / "radar"
    sink = subprocess.Popen([str(radar), "smtp-sink", "--port", str(port), "--dir", str(tmp_path / "mail")])
    try:
        wait_for_port(port)
        subject = f"Bestätigung {uuid.uuid4()}"
        message = EmailMessage()
        message["From"] = "radar@localhost"
        message["To"] = "buerger@example.org"
        message["Subject"] = subject
        message.set_content("Bitte bestätigen Sie Ihr Abonnement.")
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(message)

        stored = list((tmp_path / "mail").glob("*.eml"))
        assert len(stored) == 1
        received = message_from_bytes(stored[0].read_bytes(), policy=policy.default)
        assert received["X-Radar-Envelope-To"] == "buerger@example.org"
        assert received["Subject"] == subject
    finally:
        sink.send_signal(signal.SIGTERM)
        assert sink.wait(10) == 0
