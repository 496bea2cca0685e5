"""Every text the web pages use is in the catalogs (test_catalogs.py: in every language)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from radar_gateway.web import editor_form
from radar_gateway.web.i18n import has_text, translator
from radar_gateway.web.radar_layout import RING_ORDER
from radar_gateway.web.render import NOTICES
from radar_moderation.transparency import OUTCOMES
from radar_participation.domain import LIFECYCLE, PLACEHOLDERS, SHOWN_TO_AUTHOR

pytestmark = pytest.mark.unit
WEB = Path(editor_form.__file__).parent
LITERAL_KEY = re.compile(r"""\b(?:t|_|gettext)\(\s*["']([a-z_]+\.[a-zA-Z0-9_.]*[a-zA-Z0-9_])["']""")


def used_keys() -> set[str]:
    sources = [*WEB.glob("templates/*.html"), *WEB.glob("*.py")]
    keys = {k for path in sources for k in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    keys |= {f"status.{s}" for s in RING_ORDER}
    keys |= {f"history.{kind}" for kind in ("published", "updated", "archived")}
    keys |= {f"media.{kind}" for kind in ("video", "blog", "link")}
    # keys made from a service's values: t("mine.status." ~ c.status) and the like
    statuses = (*LIFECYCLE, *SHOWN_TO_AUTHOR, *PLACEHOLDERS)
    keys |= {f"mine.status.{status}" for status in statuses}
    keys |= {f"thread.placeholder.{status}" for status in PLACEHOLDERS}
    keys |= {f"transparency.outcome.{outcome}" for outcome in OUTCOMES}
    keys |= {f"err.{code}" for code in editor_form.ERROR_FIELDS}
    keys |= {f"form.{name}" for name in ("title", "summary", "description", "field", "goals", "status",
                                         "start_year", "end_year", "progress", "lead", "principles", "links",
                                         "unsure")}  # fmt: skip
    return keys | set(NOTICES.values())


def test_every_text_the_pages_use_is_in_the_catalogs() -> None:
    missing = sorted(key for key in used_keys() if not has_text(key))
    assert missing == []


def test_an_unknown_key_shows_itself_and_one_takes_the_singular() -> None:
    t = translator("de")
    assert t("no.such.key") == "no.such.key"
    assert t("radar.count_all", n=1) == "1 Maßnahme"
    assert t("radar.count_all", n=3) == "3 Maßnahmen"
    assert translator("en")("radar.count_all", n=3) == "3 measures"
