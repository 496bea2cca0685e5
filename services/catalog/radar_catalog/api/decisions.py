"""Council decisions: editors record them and link them to measures; everyone reads them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from radar_catalog import deciding
from radar_catalog.api.refs import editor, measure_ref
from radar_catalog.domain.decisions import PAPER_NUMBER_MAX, ROLES
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.store import decisions as store
from radar_catalog.store import measures
from radar_catalog.store.measures import as_uuid
from radar_lib.service import runtime_of
from radar_lib.token import Principal
from radar_lib.web import documented

router = APIRouter()
Editor = Annotated[Principal, Depends(editor)]
DecisionRef = Annotated[
    str,
    Path(
        description="The decision's id, or its paper number with its slashes as they are "
        "(14-20%20/%20V%2014953): the gateway refuses an encoded slash in a path segment.",
        max_length=PAPER_NUMBER_MAX,
    ),
]


class DecisionInput(BaseModel):
    """What is known of a council decision; what is not known stays empty."""

    model_config = ConfigDict(extra="forbid")
    date: StrictStr | None = Field(default=None, json_schema_extra=documented(format="date"))
    title: StrictStr = ""
    url: StrictStr = Field(default="", description="the decision in the council information system")
    oparl_id: StrictStr | None = Field(default=None, description="the URL of its OParl Paper object")


class DecisionLink(BaseModel):
    """A recorded decision (by paper number or id) that created or changed the measure."""

    model_config = ConfigDict(extra="forbid")
    decision: StrictStr = Field(max_length=PAPER_NUMBER_MAX, description="paper number or id")
    role: StrictStr = Field(default="changed", json_schema_extra=documented(enum=list(ROLES)))


def decision_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """A decision as the API shows it."""
    view = {
        "id": str(row["decision_id"]),
        "paper_number": row["paper_number"],
        "date": row["decided_on"].isoformat() if row["decided_on"] else None,
        "title": row["title"],
        "url": row["url"] or None,
        "oparl_id": row["oparl_id"],
        "adopted_edition": row["adopts_edition"],
    }
    extra = set(row.keys())  # a Record's `in` looks at its values, not its keys
    if "role" in extra:
        view["role"] = row["role"]
    if "measures" in extra:
        view["measures"] = list(row["measures"])
    return view


def _by(ref: str) -> dict[str, Any]:
    decision_id = as_uuid(ref)
    return {"decision_id": decision_id} if decision_id else {"paper_number": ref}


@router.put(
    "/decisions/{ref:path}",
    responses={
        200: {"description": "What is known of the decision was replaced."},
        201: {"description": "A new decision was recorded."},
    },
)
async def record_decision(
    ref: DecisionRef, decision: DecisionInput, request: Request, who: Editor
) -> JSONResponse:
    """Record a council decision by paper number (201 when new), or replace what is known of one by id."""
    by = _by(ref)
    async with runtime_of(request).pool.acquire() as conn:
        saved, created = await deciding.record_decision(
            conn,
            decision_id=by.get("decision_id"),
            paper_number=by.get("paper_number"),
            values=decision.model_dump(),
            actor=str(who.id),
        )
    return JSONResponse(decision_view(saved), status_code=201 if created else 200)


@router.get("/decisions")
async def list_decisions(request: Request) -> dict[str, Any]:
    """Every recorded council decision, newest first, with the measures it is linked to."""
    items = [decision_view(r) for r in await store.all_decisions(runtime_of(request).pool)]
    return {"items": items, "total": len(items)}


async def _decisions_of(request: Request, measure: Mapping[str, Any]) -> dict[str, Any]:
    rows = await store.decisions_of_measure(runtime_of(request).pool, measure_id=measure["measure_id"])
    items = [decision_view(r) for r in rows]
    return {
        "measure": {"id": str(measure["measure_id"]), "slug": measure["slug"]},
        "items": items,
        "total": len(items),
    }


@router.post("/measures/{ref}/decisions")
async def link_decision(ref: str, link: DecisionLink, request: Request, who: Editor) -> dict[str, Any]:
    """Link a recorded decision to a measure; the measure's next version and measure.updated say so."""
    async with runtime_of(request).pool.acquire() as conn:
        measure = await deciding.link_decision(
            conn, ref=measure_ref(ref), decision_ref=_by(link.decision), role=link.role, actor=str(who.id)
        )
    return await _decisions_of(request, measure)


@router.get("/measures/{ref}/decisions")
async def measure_decisions(ref: str, request: Request) -> dict[str, Any]:
    """The council decisions that created or changed a measure, oldest first."""
    measure = await measures.find_measure(runtime_of(request).pool, measure_ref(ref))
    if measure is None:
        raise CatalogError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
    return await _decisions_of(request, measure)
