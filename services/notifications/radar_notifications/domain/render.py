"""A mail as parts, rendered twice: as plain text and as HTML in which every text is escaped.

The composers build mails from parts only; nothing else writes HTML, so a measure title or a
moderator's note that contains markup shows as what it says and never becomes markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Facts:
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Quote:
    label: str
    text: str


@dataclass(frozen=True)
class Action:
    label: str
    url: str


@dataclass(frozen=True)
class Section:
    heading: str
    parts: tuple[Part, ...]


Part = Para | Facts | Quote | Action | Section


@dataclass(frozen=True)
class Mail:
    language: str
    subject: str
    parts: tuple[Part, ...]
    footer: tuple[Part, ...]

    def text(self) -> str:
        """The plain-text body."""
        blocks = [_text(p) for p in self.parts] + ["-- "] + [_text(p) for p in self.footer]
        return "\n\n".join(blocks) + "\n"

    def html(self) -> str:
        """The HTML body; every text and every URL in it is escaped."""
        body = "\n".join(_html(p) for p in self.parts)
        footer = "\n".join(_html(p) for p in self.footer)
        return (
            f'<!DOCTYPE html>\n<html lang="{escape(self.language)}">\n<head><meta charset="utf-8">'
            f"<title>{escape(self.subject)}</title></head>\n<body>\n<h1>{escape(self.subject)}</h1>\n"
            f"{body}\n<hr>\n<footer>\n{footer}\n</footer>\n</body>\n</html>\n"
        )


def _text(part: Part) -> str:
    if isinstance(part, Para):
        return part.text
    if isinstance(part, Facts):
        return "\n".join(f"{label}: {value}" for label, value in part.rows)
    if isinstance(part, Quote):
        quoted = "\n".join(f"> {line}" for line in part.text.splitlines() or [""])
        return f"{part.label}:\n{quoted}"
    if isinstance(part, Action):
        return f"{part.label}:\n{part.url}"
    underline = "-" * len(part.heading)
    return "\n\n".join([f"{part.heading}\n{underline}", *(_text(p) for p in part.parts)])


def _html(part: Part) -> str:
    if isinstance(part, Para):
        return f"<p>{escape(part.text)}</p>"
    if isinstance(part, Facts):
        rows = "".join(
            f'<tr><th scope="row">{escape(label)}</th><td>{escape(value)}</td></tr>'
            for label, value in part.rows
        )
        return f"<table>{rows}</table>"
    if isinstance(part, Quote):
        lines = "<br>".join(escape(line) for line in part.text.splitlines())
        return f"<p>{escape(part.label)}:</p><blockquote><p>{lines}</p></blockquote>"
    if isinstance(part, Action):
        return f'<p><a href="{escape(part.url, quote=True)}">{escape(part.label)}</a></p>'
    inner = "\n".join(_html(p) for p in part.parts)
    return f"<section>\n<h2>{escape(part.heading)}</h2>\n{inner}\n</section>"
