"""Where the pages' own links and redirects lead: only to paths of this site.

- `routed_path`: a page's own address, rebuilt from the route that took the request and the
  parameters it matched, never copied from the request line (`//evil.example/x` is a path a
  browser reads as another host); "/" when no route took the request.
- `local_target`: the one check for every `next=`: a path on this site, normalised, or None.
- `Slug`: a path parameter that names a measure, field or core area ([a-z0-9-]+); anything
  else names no page (404) and never reaches a service's path.
"""

from __future__ import annotations

import posixpath
import re
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.exceptions import HTTPException
from starlette.routing import Route

SLUG = re.compile(r"[a-z0-9-]+")
_NOT_IN_TARGET = re.compile(r"[\x00-\x20\x7f-\x9f\\]")  # controls (browsers drop tabs), spaces, backslashes


def routed_path(request: Request) -> str:
    """The path of the route that took this request, filled with its (quoted) parameters."""
    route = request.scope.get("route")
    if not isinstance(route, Route):
        return "/"
    values = {name: quote(str(value), safe="") for name, value in request.path_params.items()}
    return route.path_format.format(**values)


def local_target(target: str | None) -> str | None:
    """The same-site path a `next=` may lead to, normalised; None for anything else.

    It must start with a single "/" and hold no "//", backslash or control character (so no
    scheme and no host either); dot segments are resolved; a fragment is dropped.
    """
    if not target or _NOT_IN_TARGET.search(target):
        return None
    target = target.partition("#")[0]
    path, mark, query = target.partition("?")
    if not path.startswith("/") or "//" in path:
        return None
    return posixpath.normpath(path) + mark + query


async def page_slug(slug: str) -> str:
    """The slug in the path; 404 for anything that cannot be one (async: FastAPI would run a plain
    function in a worker thread, 9 % of a routed measure page)."""
    if not SLUG.fullmatch(slug):
        raise HTTPException(404, "There is no such page.")
    return slug


Slug = Annotated[str, Depends(page_slug)]
