"""The gateway's own Set-Cookie headers and form signatures, built without http.cookies on every page:
word for word what Starlette's set_cookie wrote, and signatures that stay valid across a release."""

from __future__ import annotations

import pytest
from starlette.responses import Response

from radar_gateway.web.render import _signed, cookie_header

pytestmark = pytest.mark.unit
KEY = b"k" * 32
VALUES = ["rFaYx-JZKS31DPPda9hsuBUX", "en", "gespeichert.1796000000.910ae6c7da", "", 'a b;c"\\ä']


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("max_age", [None, 0, 60, 365 * 86400])
@pytest.mark.parametrize("secure", [False, True])
def test_a_cookie_header_is_the_one_starlette_writes(value: str, max_age: int | None, secure: bool) -> None:
    starlette = Response()
    starlette.set_cookie(
        "radar_form", value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )
    assert [cookie_header("radar_form", value, max_age=max_age, secure=secure)] == [
        h for h in starlette.raw_headers if h[0] == b"set-cookie"
    ]


def test_a_cookie_carries_exactly_these_attributes() -> None:
    first_visit = cookie_header("radar_form", "rFaYx-JZKS31DPPda9hsuBUX", max_age=None, secure=True)
    assert first_visit == (
        b"set-cookie",
        b"radar_form=rFaYx-JZKS31DPPda9hsuBUX; HttpOnly; Path=/; SameSite=lax; Secure",
    )
    cleared = cookie_header("radar_hinweis", "", max_age=0, secure=False)
    assert cleared == (b"set-cookie", b'radar_hinweis=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax')


def test_form_and_notice_signatures_stay_those_of_earlier_releases() -> None:
    # pinned: a change here would refuse every form open in a browser while the gateway restarts
    assert _signed("nonce-1", KEY) == "301af3fa61c5e3949d577293c5d59b39a34c2e36"
    assert _signed("gespeichert.1796000000", KEY, purpose=b"radar-notice") == (
        "910ae6c7dab6236c4e458f5655c76f4451dcf6c0"
    )
