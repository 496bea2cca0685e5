"""What a subscription request may ask for, with stable error codes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from radar_lib.errors import RuleBroken
from radar_lib.text import TextRefused, clean_email

LANGUAGES = ("de", "en")
MODES = ("immediate", "digest")
SCOPE_TYPES = ("measure", "field", "all")  # "comment" is a watch, asked for through /comment-watch
SECRET_MIN, SECRET_MAX = 16, 200
SCOPE_ID_MAX = 200


class NotificationsError(RuleBroken):
    """A broken rule of notifications: {"error": CODE, "message": ...} with its status."""


@dataclass(frozen=True)
class Scope:
    """What a subscription follows; `ref` is the id or slug as given (a measure's is resolved later)."""

    type: str
    ref: str = ""


@dataclass(frozen=True)
class Preferences:
    new_comments: bool
    language: str
    mode: str


def email_of(value: Any) -> str:
    """The address as stored; EMAIL_INVALID when it is none."""
    if not isinstance(value, str):
        raise NotificationsError("EMAIL_INVALID", "An e-mail address is needed.")
    try:
        return clean_email(value)
    except TextRefused as exc:
        raise NotificationsError("EMAIL_INVALID", exc.message) from None


def scope_of(value: Any) -> Scope:
    """A scope {type: measure|field|all, id}; SCOPE_UNKNOWN for anything else."""
    if not isinstance(value, dict) or value.get("type") not in SCOPE_TYPES:
        raise NotificationsError("SCOPE_UNKNOWN", f"The scope's type is one of {', '.join(SCOPE_TYPES)}.")
    kind, ref = value["type"], value.get("id")
    if kind == "all":
        if ref not in (None, ""):
            raise NotificationsError("SCOPE_UNKNOWN", "The scope `all` takes no id.")
        return Scope("all")
    if not isinstance(ref, str) or not ref.strip() or len(ref) > SCOPE_ID_MAX or not ref.isprintable():
        raise NotificationsError("SCOPE_UNKNOWN", f"The scope `{kind}` needs the id or slug of one.")
    return Scope(kind, ref.strip())


def preferences_of(*, new_comments: Any, language: Any, mode: Any, webhook: bool) -> Preferences:
    """Language, mode and the wish for new comments; a webhook hears of everything at once."""
    if language not in LANGUAGES:
        raise NotificationsError("LANGUAGE_UNKNOWN", "The language is de or en.")
    if mode not in MODES:
        raise NotificationsError("MODE_UNKNOWN", "The mode is immediate or digest.")
    if webhook and mode != "immediate":
        raise NotificationsError("MODE_UNKNOWN", "A webhook is called at once; it has no digest.")
    if not isinstance(new_comments, bool):
        raise NotificationsError("NEW_COMMENTS_INVALID", "new_comments is true or false.")
    return Preferences(new_comments=new_comments, language=language, mode=mode)


def webhook_secret_of(value: Any) -> str:
    """The secret a webhook's payloads are signed with: printable ASCII of a sensible length."""
    if (
        not isinstance(value, str)
        or not SECRET_MIN <= len(value) <= SECRET_MAX
        or not value.isascii()
        or not value.isprintable()
    ):
        raise NotificationsError(
            "WEBHOOK_SECRET_INVALID",
            f"The secret is {SECRET_MIN} to {SECRET_MAX} printable ASCII characters.",
        )
    return value


def comment_id_of(value: Any) -> uuid.UUID:
    """A watched comment's id; COMMENT_NOT_FOUND when it cannot name one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotificationsError("COMMENT_NOT_FOUND", "There is no such comment.", 404) from None


def confirmation_state(*, confirmed: bool, expired: bool) -> str:
    """What opening a confirmation link does: confirm, nothing (done already), or refuse."""
    if confirmed:
        return "already_confirmed"
    if expired:
        raise NotificationsError(
            "TOKEN_EXPIRED", "The confirmation link has expired; please subscribe again.", 410
        )
    return "confirm"
