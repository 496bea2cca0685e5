"""The gateway's path rules: what a forwarded path, a `next=` and a public origin may be."""

from __future__ import annotations

from typing import Any

import pytest

from radar_gateway.forward import routed_path, wire_query
from radar_gateway.security import public_origin
from radar_gateway.web.links import local_target
from radar_lib.web import ApiError

pytestmark = pytest.mark.unit


def scope(raw_path: bytes, query: bytes = b"") -> dict[str, Any]:
    return {"path": "(decoded by the server)", "raw_path": raw_path, "query_string": query}


@pytest.mark.parametrize(
    ("raw", "decoded", "wire"),
    [
        (b"/api/v1/measures/e-akte/comments", "/measures/e-akte/comments", "/measures/e-akte/comments"),
        (b"/api/v1/measures/e%2Dakte", "/measures/e-akte", "/measures/e-akte"),
        (b"/api/v1/measures/%C3%A4%20b", "/measures/ä b", "/measures/%C3%A4%20b"),
        (b"/api/v1/measures/a%25b", "/measures/a%b", "/measures/a%25b"),
        (b"/api/v1/measures/a:b@c;d", "/measures/a:b@c;d", "/measures/a:b@c;d"),
        (b"/api/v1/measures?x=1", "/measures", "/measures"),  # a raw_path that kept its query
        (b"/api/v1/", "/", "/"),
    ],
)
def test_a_path_is_routed_on_its_decoded_segments_and_forwarded_quoted_again(
    raw: bytes, decoded: str, wire: str
) -> None:
    path = routed_path(scope(raw), prefix="/api/v1")

    assert (path.decoded, path.wire) == (decoded, wire)


@pytest.mark.parametrize(
    "raw",
    [
        b"/api/v1/comments/..%2Fmeasures%2Fe-akte%2Fcomments%23",
        b"/api/v1/measures/..%2Fopenapi.json",
        b"/api/v1/measures/../openapi.json",
        b"/api/v1/measures/./e-akte",
        b"/api/v1/measures/%2e%2E/docs",
        b"/api/v1/measures/%2E",
        b"/api/v1/measures/e-akte%3Fx=1",
        b"/api/v1/measures/e-akte%23",
        b"/api/v1/measures/a%00b/comments",
        b"/api/v1/measures/a%0Db/comments",
        b"/api/v1/measures/a%7Fb",
        b"/api/v1/measures/%C2%85",  # a C1 control character
        b"/api/v1/measures/%FF",  # no UTF-8
        b"/api%2Fv1/measures",  # the prefix is checked too
    ],
)
def test_a_segment_that_would_lead_elsewhere_once_decoded_is_refused_with_404(raw: bytes) -> None:
    with pytest.raises(ApiError) as refused:
        routed_path(scope(raw), prefix="/api/v1")

    assert (refused.value.status, refused.value.code) == (404, "PATH_SEGMENT_INVALID")


def test_without_a_raw_path_the_decoded_path_is_used_as_it_is() -> None:
    path = routed_path({"path": "/api/v1/measures/a%b"}, prefix="/api/v1")

    assert (path.decoded, path.wire) == ("/measures/a%b", "/measures/a%25b")


def test_a_query_is_passed_on_as_sent_with_only_unsafe_bytes_escaped() -> None:
    assert wire_query(scope(b"/", b"q=a%20b&x=/y?z")) == "q=a%20b&x=/y?z"
    assert wire_query(scope(b"/", b"q=a b#c\r\n\xc3\xa4")) == "q=a%20b%23c%0D%0A%C3%A4"


@pytest.mark.parametrize(
    "target",
    [
        None, "", "redaktion", "//evil.example", "/..//evil.example", "///evil.example", "/x//y",
        "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", " /x",
        "https://evil.example", "javascript:alert(1)", "http:/x",
    ],
)  # fmt: skip
def test_next_refuses_anything_but_a_path_on_this_site(target: str | None) -> None:
    assert local_target(target) is None


@pytest.mark.parametrize(
    ("target", "normalised"),
    [
        ("/redaktion", "/redaktion"),
        ("/massnahmen/./e-akte?lang=en", "/massnahmen/e-akte?lang=en"),
        ("/../redaktion/massnahmen/x/..", "/redaktion/massnahmen"),
        ("/?q=http://elsewhere", "/?q=http://elsewhere"),
        ("/massnahmen/e-akte#kommentare", "/massnahmen/e-akte"),
    ],
)
def test_next_keeps_a_same_site_path_normalised(target: str, normalised: str) -> None:
    assert local_target(target) == normalised


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://radar.example.org", b"https://radar.example.org"),
        ("https://Radar.Example.org:443/", b"https://radar.example.org"),
        ("http://127.0.0.1:8000", b"http://127.0.0.1:8000"),
        ("http://[::1]:8000/radar", b"http://[::1]:8000"),
    ],
)
def test_the_public_origin_is_spelt_as_browsers_send_it(url: str, origin: bytes) -> None:
    assert public_origin(url) == origin
