"""What each delivery says, in the subscriber's language: the parts of its mail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from radar_notifications.domain.links import Links
from radar_notifications.domain.render import Action, Facts, Mail, Para, Part, Quote, Section
from radar_notifications.domain.reports import report_parts
from radar_notifications.domain.texts import known, text


def scope_phrase(scope: Mapping[str, Any], language: str) -> str:
    """'the measure “E-Akte”', 'all measures of the strategy', ..."""
    kind = scope.get("type", "all")
    title = scope.get("title") or scope.get("key") or ""
    if kind == "comment" and not title:
        return text("scope.comment_unknown", language)
    return text(f"scope.{kind}", language, title=title)


def _value(attribute: str, value: Any, language: str) -> str:
    if value is None or value == "":
        return text("value.none", language)
    if attribute == "status" and known(f"status.{value}"):
        return text(f"status.{value}", language)
    if attribute == "progress":
        return text("value.percent", language, value=value)
    return str(value)


def _attribute(name: str, language: str) -> str:
    return text(f"attribute.{name}", language) if known(f"attribute.{name}") else name


def measure_parts(payload: Mapping[str, Any], *, language: str, links: Links) -> tuple[str, tuple[Part, ...]]:
    """The subject and the parts of a mail about a measure event."""
    if payload["event"] == "reported":
        return report_parts(payload, language=language, links=links)
    event, measure = payload["event"], payload["measure"]
    title = measure["title"]
    rows = []
    for attribute, change in payload.get("changes", {}).items():
        old, new = (
            _value(attribute, change.get("old"), language),
            _value(attribute, change.get("new"), language),
        )
        shown = new if change.get("old") is None and event == "published" else f"{old} → {new}"
        rows.append((_attribute(attribute, language), shown))
    parts: list[Part] = [Para(text(f"measure.{event}.intro", language, title=title))]
    if rows:
        parts.append(Facts(tuple(rows)))
    if payload.get("other_changes"):
        names = ", ".join(_attribute(name, language) for name in payload["other_changes"])
        parts.append(Para(text("measure.other", language, names=names)))
    if payload.get("change_note"):
        parts.append(Quote(text("measure.note", language), payload["change_note"]))
    parts.append(Action(text("measure.open", language), links.measure(measure["slug"])))
    return text(f"measure.{event}.subject", language, title=title), tuple(parts)


def comment_parts(payload: Mapping[str, Any], *, language: str, links: Links) -> tuple[str, tuple[Part, ...]]:
    """A new comment (or reply) was published on a followed measure; its text stays on the site."""
    measure = payload["measure"]
    intro = "comment.reply_intro" if payload.get("reply") else "comment.intro"
    url = links.measure(measure["slug"], comment_id=payload["comment_id"])
    parts = (Para(text(intro, language, title=measure["title"])), Action(text("comment.open", language), url))
    return text("comment.subject", language, title=measure["title"]), parts


def decision_parts(
    payload: Mapping[str, Any], *, language: str, links: Links
) -> tuple[str, tuple[Part, ...]]:
    """The fate of a watched comment: published, or rejected with its clause and the note."""
    outcome, measure = payload["outcome"], payload["measure"]
    parts: list[Part] = [Para(text(f"decision.{outcome}.intro", language, title=measure["title"]))]
    code = payload.get("reason_code")
    if outcome == "rejected" and code:
        clause = text(f"clause.{code}", language) if known(f"clause.{code}") else code
        parts.append(Facts(((text("decision.reason", language), clause),)))
    if outcome == "rejected" and payload.get("note"):
        parts.append(Quote(text("decision.note", language), payload["note"]))
    comment_id = payload["comment_id"] if outcome == "published" else None
    parts.append(
        Action(text("decision.open", language), links.measure(measure["slug"], comment_id=comment_id))
    )
    return text(f"decision.{outcome}.subject", language), tuple(parts)


def confirm_parts(
    payload: Mapping[str, Any], *, language: str, confirm_url: str, hours: int
) -> tuple[str, tuple[Part, ...]]:
    """The double opt-in: what was asked for, the link that confirms it, and what happens otherwise."""
    parts = (
        Para(text("confirm.intro", language, scope=scope_phrase(payload["scope"], language))),
        Action(text("confirm.action", language), confirm_url),
        Para(text("confirm.ignore", language, hours=hours)),
    )
    return text("confirm.subject", language), parts


COMPOSERS = {"measure": measure_parts, "comment": comment_parts, "decision": decision_parts}


def digest_parts(
    items: list[Mapping[str, Any]], *, language: str, links: Links
) -> tuple[str, tuple[Part, ...]]:
    """Every waiting notification of a subscriber in one mail, oldest first, each a section."""
    sections: list[Part] = [Para(text("digest.intro", language))]
    for item in items:
        subject, parts = COMPOSERS[item["kind"]](item["payload"], language=language, links=links)
        sections.append(Section(subject, parts))
    return text("digest.subject", language, count=len(items)), tuple(sections)


def footer(*, language: str, manage_url: str, unsubscribe_url: str, everything: bool) -> tuple[Part, ...]:
    """Why this mail came, and the links that change or end that without an account."""
    unsubscribe = "footer.leave" if everything else "footer.unsubscribe"
    return (
        Para(text("footer.why", language)),
        Action(text("footer.manage", language), manage_url),
        Action(text(unsubscribe, language), unsubscribe_url),
    )


def mail(subject: str, parts: tuple[Part, ...], *, language: str, foot: tuple[Part, ...]) -> Mail:
    return Mail(language=language, subject=subject, parts=parts, footer=foot)
