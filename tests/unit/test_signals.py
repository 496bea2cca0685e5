"""The launcher's stop signals: a signal ends its sleep at once, and no storm of signals hangs it.

The launcher used to stop through threading.Event: its handler called Event.set() while its
main loop waited in Event.wait(), so a signal that landed while the main thread held the
Event's lock made the handler wait for that lock for ever. These tests drive the helper the
launcher uses now, radar_cli.signals.StopSignals, in this process and in a child that takes
thousands of signals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from radar_cli.signals import StopSignals

pytestmark = [pytest.mark.unit, pytest.mark.timeout(60)]

# a main loop like the launcher's: SIGHUP is taken and the flag cleared again, so that one
# process takes the whole storm; SIGTERM ends the loop
STORM_TAKER = """
import signal
from radar_cli.signals import StopSignals

signals = StopSignals((signal.SIGHUP, signal.SIGTERM))
with signals.installed():
    print("ready", flush=True)
    while signals.received != signal.SIGTERM:
        if signals.sleep(0.001) and signals.received == signal.SIGHUP:
            signals.received = None
print("stopped", flush=True)
"""
STORM = 20_000
TRIALS = 10
STOP_WITHIN = 10.0  # seconds; a hung loop never stops, a working one within milliseconds


def _stops_on_sigterm(process: subprocess.Popen[str]) -> bool:
    """SIGTERM again and again (a SIGTERM may land just as the loop clears a SIGHUP) until it ends."""
    deadline = time.monotonic() + STOP_WITHIN
    while process.poll() is None and time.monotonic() < deadline:
        process.send_signal(signal.SIGTERM)
        time.sleep(0.05)
    return process.poll() is not None


def test_a_storm_of_signals_never_keeps_the_loop_from_stopping() -> None:
    for trial in range(TRIALS):
        taker = subprocess.Popen(
            [sys.executable, "-c", STORM_TAKER], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert taker.stdout is not None
            assert taker.stdout.readline() == "ready\n"
            for _ in range(STORM):
                os.kill(taker.pid, signal.SIGHUP)
            assert _stops_on_sigterm(taker), f"trial {trial}: the loop hung after {STORM} signals"
            out, err = taker.communicate(timeout=STOP_WITHIN)
            assert (taker.returncode, out) == (0, "stopped\n"), err
        finally:
            taker.kill()
            taker.wait()


@pytest.mark.timeout(10)
def test_a_stop_signal_ends_a_long_sleep_at_once() -> None:
    signals = StopSignals((signal.SIGUSR1,))
    with signals.installed():
        sender = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1))
        sender.start()
        try:
            stopped = signals.sleep(60)  # the test's timeout ends it long before, should the signal not
        finally:
            sender.join()

    assert stopped
    assert signals.received == signal.SIGUSR1


def test_a_sleep_without_a_signal_reports_no_stop() -> None:
    signals = StopSignals((signal.SIGUSR1,))
    with signals.installed():
        assert signals.sleep(0.01) is False
        assert signals.received is None


def _wakeup_fd() -> int:
    fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(fd)
    return fd


def test_the_previous_handlers_and_wakeup_fd_are_restored() -> None:
    handler_before, fd_before = signal.getsignal(signal.SIGUSR1), _wakeup_fd()
    with StopSignals((signal.SIGUSR1,)).installed():
        assert signal.getsignal(signal.SIGUSR1) is not handler_before
        assert _wakeup_fd() != fd_before
    assert signal.getsignal(signal.SIGUSR1) is handler_before
    assert _wakeup_fd() == fd_before
