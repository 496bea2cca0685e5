"""Stop signals that cannot hang the launcher: the handler stores the signal's number, nothing else.

A Python signal handler runs in the main thread between two bytecodes, possibly while that
thread holds a lock; a handler that takes a lock (threading.Event.set, print, logging) then
waits for ever for a lock its own thread holds. So the handler only assigns one attribute.
The main loop sleeps in `StopSignals.sleep`: a select() on a socket to which the interpreter
writes a byte for every signal (signal.set_wakeup_fd), so a signal ends the sleep at once,
even one that arrives just before the select() begins.
"""

from __future__ import annotations

import select
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopSignals:
    """Signals that ask the main loop to stop; `received` is the last one that came."""

    def __init__(self, signals: tuple[int, ...] = STOP_SIGNALS) -> None:
        self.signals = signals
        self.received: int | None = None
        self._wakeup: socket.socket | None = None

    @property
    def stop_requested(self) -> bool:
        return self.received is not None

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Handle the signals inside the block (main thread only); then restore what was there."""
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in self.signals}
        self._wakeup = reader
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            signal.set_wakeup_fd(previous_fd)
            self._wakeup = None
            reader.close()
            writer.close()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.received = signum  # nothing more: see the module's docstring

    def sleep(self, seconds: float) -> bool:
        """Sleep until `seconds` have passed or a signal came; True if a stop was asked."""
        if self.received is None:
            assert self._wakeup is not None, "sleep() outside installed()"
            ready, _, _ = select.select([self._wakeup], [], [], seconds)
            if ready:
                # a full socket only drops further wake-up bytes, so one read is enough
                self._wakeup.recv(4096)
        return self.received is not None
