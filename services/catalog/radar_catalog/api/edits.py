"""Routes that change measures (editors): create, patch, archive."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from radar_catalog import editing
from radar_catalog.api.refs import editor, measure_ref
from radar_catalog.api.views import measure_view
from radar_catalog.domain.languages import ORIGINAL
from radar_catalog.store import measures as store
from radar_lib.service import runtime_of
from radar_lib.token import Principal
from radar_lib.web import documented

router = APIRouter()
Editor = Annotated[Principal, Depends(editor)]


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: StrictStr
    url: StrictStr


class NewMeasure(BaseModel):
    """A new measure; the slug is made from the title unless given, and never changes afterwards."""

    model_config = ConfigDict(extra="forbid")
    title: StrictStr = ""
    field: StrictStr = ""
    slug: StrictStr | None = None
    summary: StrictStr = ""
    description: StrictStr = ""
    goals: list[StrictStr] = Field(default_factory=list)
    status: StrictStr = "unbekannt"
    start_year: StrictInt | None = None
    end_year: StrictInt | None = None
    progress: StrictInt | None = None
    lead: StrictStr | None = None
    principles: list[StrictStr] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    unsure: list[StrictStr] = Field(default_factory=list)
    change_note: StrictStr | None = None


class MeasurePatch(BaseModel):
    """Only the attributes sent change; every patch needs a public change note."""

    model_config = ConfigDict(extra="forbid")
    title: StrictStr | None = None
    field: StrictStr | None = None
    summary: StrictStr | None = None
    description: StrictStr | None = None
    goals: list[StrictStr] | None = None
    status: StrictStr | None = None
    start_year: StrictInt | None = None
    end_year: StrictInt | None = None
    progress: StrictInt | None = None
    lead: StrictStr | None = None
    principles: list[StrictStr] | None = None
    links: list[Link] | None = None
    unsure: list[StrictStr] | None = None
    change_note: StrictStr | None = None
    expected_version: StrictInt | None = None


NOTE_REQUIRED = documented(type="string", minLength=1)  # the domain's CHANGE_NOTE_REQUIRED


class Archiving(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["change_note"]})
    change_note: StrictStr | None = Field(default=None, json_schema_extra=NOTE_REQUIRED)
    expected_version: StrictInt | None = None


NOT_STATE = {"slug", "change_note", "expected_version"}


async def _shown(request: Request, measure_id: object) -> dict[str, Any]:
    row = await store.find_measure(runtime_of(request).pool, str(measure_id))
    assert row is not None
    return measure_view(row, lang=ORIGINAL)


@router.post("/measures", status_code=201)
async def create_measure(new: NewMeasure, request: Request, who: Editor) -> JSONResponse:
    """Add a measure at version 1; measure.published leaves with it."""
    async with runtime_of(request).pool.acquire() as conn:
        measure_id = await editing.publish_measure(
            conn,
            values=new.model_dump(exclude=NOT_STATE),
            actor=str(who.id),
            slug=new.slug,
            change_note=new.change_note,
        )
    return JSONResponse(await _shown(request, measure_id), status_code=201)


@router.patch("/measures/{ref}")
async def change_measure(ref: str, patch: MeasurePatch, request: Request, who: Editor) -> dict[str, Any]:
    """Change the attributes sent, as the next version; measure.updated carries old and new values."""
    async with runtime_of(request).pool.acquire() as conn:
        measure_id = await editing.revise_measure(
            conn,
            ref=measure_ref(ref),
            patch=patch.model_dump(include=patch.model_fields_set - NOT_STATE),
            change_note=patch.change_note,
            actor=str(who.id),
            expected_version=patch.expected_version,
        )
    return await _shown(request, measure_id)


@router.post("/measures/{ref}/archive")
async def archive_measure(ref: str, request: Request, who: Editor, archiving: Archiving) -> dict[str, Any]:
    """Archive a measure instead of deleting it; measure.archived leaves with it."""
    async with runtime_of(request).pool.acquire() as conn:
        measure_id = await editing.archive_measure(
            conn,
            ref=measure_ref(ref),
            change_note=archiving.change_note,
            actor=str(who.id),
            expected_version=archiving.expected_version,
        )
    return await _shown(request, measure_id)
