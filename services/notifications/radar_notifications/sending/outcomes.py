"""What became of one attempt to deliver, as the sender records it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """Sent, refused for now (tried again later), or refused for good (`permanent`)."""

    sent: bool
    permanent: bool = False
    error: str = ""
    bounce: bool = True  # counts toward pausing the subscriber (not so for a fault of ours)


SENT = Outcome(sent=True)


def refused(error: str, *, permanent: bool, bounce: bool = True) -> Outcome:
    return Outcome(sent=False, permanent=permanent, error=error, bounce=bounce)


class ServerAway(Exception):
    """Our own mail relay cannot be reached or will not take mail from us: nothing is counted, we wait."""
