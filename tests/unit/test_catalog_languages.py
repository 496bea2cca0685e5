"""Which language a catalog read is in, and translations as they are stored."""

from __future__ import annotations

import pytest

from radar_catalog.domain.languages import (
    clean_translations,
    in_language,
    merge_translations,
    requested_language,
)
from radar_catalog.domain.vocabulary import CatalogError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ("en", "de", "en"),
        (None, "en-GB,en;q=0.9,de;q=0.8", "en"),
        (None, "de;q=0.5, en;q=0.8", "en"),
        (None, "fr;q=0, en", "en"),
        (None, "*, en;q=0.1", "en"),
        (None, "", "de"),
        (None, None, "de"),
        (None, "en;q=x", "de"),
    ],
)
def test_the_query_wins_then_the_most_preferred_language(
    query: str | None, accept: str | None, expected: str
) -> None:
    assert requested_language(query, accept) == expected


def test_a_language_that_cannot_be_one_is_refused() -> None:
    with pytest.raises(CatalogError) as caught:
        requested_language("en_GB", None)
    assert (caught.value.code, caught.value.status) == ("LANGUAGE_INVALID", 422)


def test_an_untranslated_or_empty_text_stays_as_written_and_says_so() -> None:
    row = {"name": "Bildung", "introduction": "", "translations": '{"en": {"name": "Education"}}'}
    assert in_language(row, ("name", "introduction"), lang="en") == {
        "name": "Education",
        "introduction": "",
        "languages": {"name": "en", "introduction": "de"},
    }
    assert in_language(row, ("name",), lang="de") == {"name": "Bildung"}


def test_translations_are_cleaned_and_refused_when_they_cannot_be_stored() -> None:
    cleaned = clean_translations(
        {"en": {"name": " Education ", "introduction": ""}}, attributes=("name", "introduction")
    )
    assert cleaned == {"en": {"name": "Education"}}
    for bad in ({"de": {"name": "Bildung"}}, {"en": {"quote": "x"}}, {"en": {"name": 3}}, ["en"]):
        with pytest.raises(CatalogError) as caught:
            clean_translations(bad, attributes=("name",))
        assert caught.value.code == "TRANSLATION_INVALID", bad


def test_a_patch_replaces_the_texts_it_gives_and_an_empty_one_removes_its_text() -> None:
    current = {"en": {"name": "Education", "introduction": "About learning."}}
    patched = merge_translations(
        current, {"en": {"name": ""}, "fr": {"name": "Éducation"}}, attributes=("name",)
    )
    assert patched == {"en": {"introduction": "About learning."}, "fr": {"name": "Éducation"}}
    assert merge_translations(current, None, attributes=("name",)) == current
