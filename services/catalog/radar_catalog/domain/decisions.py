"""Council decisions: what one is (paper number, date, title, link, OParl id), how it relates to measures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from radar_catalog.domain.texts import TITLE_MAX, URL_MAX, clean_text, clean_url
from radar_catalog.domain.vocabulary import CatalogError

PAPER_NUMBER_MAX = 100
DECISION_TITLE_MAX = 2 * TITLE_MAX  # council papers have long titles
ROLES = ("created", "changed")  # a decision created the measure, or changed it


@dataclass(frozen=True)
class Decision:
    """A council decision as stored; what is not known stays empty."""

    paper_number: str
    decided_on: dt.date | None
    title: str
    url: str
    oparl_id: str | None


def clean_paper_number(value: Any) -> str:
    """A paper number ("14-20 / V 14953"): one line, not empty."""
    number = clean_text(value if isinstance(value, str) else None, name="paper_number",
                        max_length=PAPER_NUMBER_MAX, multiline=False)  # fmt: skip
    if not number:
        raise CatalogError("PAPER_NUMBER_REQUIRED", "A council decision needs its paper number.")
    return number


def clean_decision_date(value: Any) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) or none; DECISION_DATE_INVALID otherwise."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise CatalogError("DECISION_DATE_INVALID", "A decision's date is a date (YYYY-MM-DD) or null.")


def _optional_url(value: Any, *, code: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > URL_MAX:
        raise CatalogError(code, "A link needs an absolute http or https address.")
    try:
        return clean_url(value)
    except CatalogError:
        raise CatalogError(code, "A link needs an absolute http or https address.") from None


def validate_decision(paper_number: Any, values: Mapping[str, Any]) -> Decision:
    """A decision from an editor's or an import's values; each wrong value has its own error code."""
    title = values.get("title")
    oparl_id = _optional_url(values.get("oparl_id"), code="OPARL_ID_INVALID")
    return Decision(
        paper_number=clean_paper_number(paper_number),
        decided_on=clean_decision_date(values.get("date")),
        title=clean_text(
            title if isinstance(title, str) else None,
            name="title",
            max_length=DECISION_TITLE_MAX,
            multiline=False,
        ),
        url=_optional_url(values.get("url"), code="LINK_INVALID"),
        oparl_id=oparl_id or None,
    )


def ensure_role(role: Any) -> str:
    """How a decision relates to a measure: created or changed; DECISION_ROLE_UNKNOWN otherwise."""
    if role not in ROLES:
        raise CatalogError("DECISION_ROLE_UNKNOWN", f"A decision {' or '.join(ROLES)} a measure.")
    return str(role)


def shown(decision: Decision) -> dict[str, Any]:
    """What a measure shows of a decision, to compare before and after a change."""
    return {
        "paper_number": decision.paper_number,
        "date": decision.decided_on.isoformat() if decision.decided_on else None,
        "title": decision.title,
        "url": decision.url,
    }
