"""Recording council decisions and linking them to measures, each in one transaction.

A decision is part of what a measure shows, so whatever changes the decisions a measure shows
(a new link, another role, a corrected date, title or link) makes that measure's next version
with a public note and its measure.updated event, in the same transaction: the history says why
the measure changed, subscribers hear of it, and the gateway's read cache is emptied at once.
A decision no measure is linked to changes no measure, and no version.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg

from radar_catalog.domain.decisions import Decision, ensure_role, validate_decision
from radar_catalog.domain.measures import ensure_editable
from radar_catalog.domain.oparl import Paper, mentioned_measures
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.editing import PRODUCER
from radar_catalog.store import decisions as store
from radar_catalog.store import measures
from radar_lib.events import MeasureUpdated, MeasureUpdatedPayload, utcnow
from radar_lib.outbox import add_event

Shown = dict[uuid.UUID, list[str]]
IMPORT_NOTE = "Ratsbeschlüsse aus dem Ratsinformationssystem übernommen."


def decision_line(row: Mapping[str, Any]) -> str:
    """One decision as a measure's history shows it: paper number, role, date, title, link."""
    date = row["decided_on"].isoformat() if row["decided_on"] else ""
    parts = [f"{row['paper_number']} ({row['role']})", date, row["title"], row["url"]]
    return " · ".join(p for p in parts if p)


async def _shown(conn: asyncpg.Connection, measure_ids: Iterable[uuid.UUID]) -> Shown:
    return {
        m: [decision_line(r) for r in await store.decisions_of_measure(conn, measure_id=m)]
        for m in measure_ids
    }


async def _announce(conn: asyncpg.Connection, *, before: Shown, note: str, actor: str) -> int:
    """The next version of each measure whose decisions now show otherwise; return how many."""
    announced = 0
    for measure_id, old in before.items():
        new = (await _shown(conn, [measure_id]))[measure_id]
        row = await measures.lock_measure(conn, str(measure_id))
        if new == old or row is None or row["archived"]:  # an archived measure has no next version
            continue
        version, now = row["version"] + 1, utcnow()
        changes = [{"field": "decisions", "old": old, "new": new}]
        await measures.update_measure(
            conn,
            measure_id=measure_id,
            state=measures.state_of(row),
            version=version,
            archived=False,
            now=now,
        )
        await measures.insert_change(
            conn, measure_id=measure_id, version=version, kind="updated", changes=changes, change_note=note,
            changed_by=actor, changed_at=now,
        )  # fmt: skip
        payload = MeasureUpdatedPayload(
            measure_id=measure_id, version=version, slug=row["slug"], title=row["title"],
            field_slug=row["field_slug"] or "", status=row["status"], archived=False, changes=changes,
            change_note=note, changed_by=actor,
        )  # fmt: skip
        await add_event(conn, MeasureUpdated.create(producer=PRODUCER, payload=payload))
        announced += 1
    return announced


async def _save(
    conn: asyncpg.Connection, *, current: asyncpg.Record | None, decision: Decision, actor: str
) -> asyncpg.Record:
    """Store the decision over the current one, or as a new one."""
    decision_id = current["decision_id"] if current else uuid.uuid4()
    try:
        async with conn.transaction():
            saved = await store.save_decision(
                conn, decision_id=decision_id, decision=decision, actor=actor, now=utcnow()
            )
    except asyncpg.UniqueViolationError as exc:
        raise CatalogError(
            "DECISION_CONFLICT", "Another decision has this paper number or OParl id.", status=409
        ) from exc
    return saved


async def record_decision(
    conn: asyncpg.Connection,
    *,
    decision_id: uuid.UUID | None,
    paper_number: str | None,
    values: Mapping[str, Any],
    actor: str,
) -> tuple[asyncpg.Record, bool]:
    """Record a decision by paper number (new or replaced) or replace one by id; return it, and if new."""
    async with conn.transaction():
        current = await store.lock_decision(conn, decision_id=decision_id, paper_number=paper_number)
        if current is None and decision_id is not None:
            raise CatalogError("DECISION_NOT_FOUND", "There is no such council decision.", status=404)
        number = paper_number if current is None else current["paper_number"]
        decision = validate_decision(number, values)
        linked = await store.linked_measures(conn, decision_id=current["decision_id"]) if current else []
        before = await _shown(conn, linked)
        saved = await _save(conn, current=current, decision=decision, actor=actor)
        await _announce(conn, before=before, note=f"Ratsbeschluss {number} geändert.", actor=actor)
    return saved, current is None


async def link_decision(
    conn: asyncpg.Connection, *, ref: str, decision_ref: Mapping[str, Any], role: Any, actor: str
) -> asyncpg.Record:
    """Link a recorded decision to a measure as one that created or changed it; return the measure."""
    async with conn.transaction():
        measure = await measures.lock_measure(conn, ref)
        if measure is None:
            raise CatalogError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
        ensure_editable(measure["archived"])
        checked_role = ensure_role(role)
        decision = await store.lock_decision(conn, **decision_ref)
        if decision is None:
            raise CatalogError("DECISION_NOT_FOUND", "There is no such council decision.", status=404)
        before = await _shown(conn, [measure["measure_id"]])
        await store.link_measure(
            conn, measure_id=measure["measure_id"], decision_id=decision["decision_id"], role=checked_role
        )
        note = f"Ratsbeschluss {decision['paper_number']} verknüpft."
        await _announce(conn, before=before, note=note, actor=actor)
    return measure


async def import_papers(conn: asyncpg.Connection, *, papers: list[Paper], actor: str) -> dict[str, int]:
    """Record OParl papers as decisions (by OParl id, else paper number: twice is once) and link each to the
    measures its name mentions, all or nothing; each measure this changes gets one next version.
    Return how many papers were read, how many decisions are new, and how many measures changed."""
    papers = list({p.decision.oparl_id or p.decision.paper_number: p for p in papers}.values())  # last wins
    async with conn.transaction():
        titles = [(r["measure_id"], r["title"]) for r in await store.measure_titles(conn)]
        found = [await _recorded(conn, paper.decision) for paper in papers]
        affected = {m for p in papers for m in mentioned_measures(p.name, titles)}
        for current in found:
            if current is not None:
                affected.update(await store.linked_measures(conn, decision_id=current["decision_id"]))
        before = await _shown(conn, sorted(affected))
        for paper, current in zip(papers, found, strict=True):
            saved = await _save(conn, current=current, decision=paper.decision, actor=actor)
            for measure_id in mentioned_measures(paper.name, titles):
                await store.link_measure(
                    conn, measure_id=measure_id, decision_id=saved["decision_id"], role="changed", keep=True
                )
        changed = await _announce(conn, before=before, note=IMPORT_NOTE, actor=actor)
    return {"papers": len(papers), "new": sum(c is None for c in found), "measures_changed": changed}


async def _recorded(conn: asyncpg.Connection, decision: Decision) -> asyncpg.Record | None:
    """The decision a paper was recorded as before: by its OParl id, else by its paper number."""
    if decision.oparl_id:
        found = await store.lock_decision_of_oparl(conn, decision.oparl_id)
        if found is not None:
            return found
    return await store.lock_decision(conn, paper_number=decision.paper_number)


async def record_adoption(conn: asyncpg.Connection, *, item: Mapping[str, Any], actor: str) -> None:
    """A data set's decision that adopted an edition ({paper_number, date, title, url, adopts}); a decision
    recorded already keeps what is known of it and gets the edition."""
    current = await store.lock_decision(conn, paper_number=item["paper_number"])
    saved = current or await _save(
        conn, current=None, decision=validate_decision(item["paper_number"], item), actor=actor
    )
    if item.get("adopts"):
        await store.adopt_edition(conn, decision_id=saved["decision_id"], edition=item["adopts"])
