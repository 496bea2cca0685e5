"""What routes check before any query: the caller's role, and references that cannot name anything."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from radar_catalog.domain.languages import LANGUAGE_PATTERN, requested_language
from radar_catalog.domain.vocabulary import SLUG_MAX, SLUG_PATTERN, CatalogError
from radar_catalog.store.measures import as_uuid
from radar_lib.token import Principal
from radar_lib.web import require_role


async def editor(request: Request) -> Principal:
    """The calling editor (or admin); 401 for anyone not logged in as staff, 403 without the role."""
    return require_role(request, "editor")


def reader_language(
    request: Request,
    lang: Annotated[
        str | None,
        Query(
            max_length=8,
            # documented, not enforced by FastAPI: a code that is none is refused as LANGUAGE_INVALID
            json_schema_extra={"pattern": LANGUAGE_PATTERN.pattern},
            description="The language to read texts in (en); else the most preferred of Accept-Language. "
            "Untranslated texts stay German; in another language than German, `languages` names the "
            "language of each text. A code that is none (not 2 or 3 lower-case letters) is refused "
            "with 422 LANGUAGE_INVALID.",
        ),
    ] = None,
) -> str:
    """The language a read asks for (LANGUAGE_INVALID for a code that cannot be one)."""
    return requested_language(lang, request.headers.get("accept-language"))


Lang = Annotated[str, Depends(reader_language)]


def plausible_slug(slug: str, *, code: str, message: str) -> str:
    """The slug, or a 404 with this code when it cannot be one."""
    if len(slug) > SLUG_MAX or not SLUG_PATTERN.match(slug):
        raise CatalogError(code, message, status=404)
    return slug


def measure_ref(ref: str) -> str:
    """A measure's id or slug, or MEASURE_NOT_FOUND when it is neither."""
    if as_uuid(ref) is not None:
        return ref
    return plausible_slug(ref, code="MEASURE_NOT_FOUND", message="There is no such measure.")
