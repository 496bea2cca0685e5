"""The catalog's search rules without a database: the words of a query and what "did you mean" offers."""

from __future__ import annotations

import pytest

from radar_catalog.domain.search import MAX_WORDS, did_you_mean, search_words, without_covered_goals

pytestmark = pytest.mark.unit


def test_hyphens_dots_and_apostrophes_inside_a_word_keep_it_one_word() -> None:
    words = search_words("E-Akte, Arbeiten 4.0 und l'eau!")
    assert words.words == ("E-Akte", "Arbeiten", "4.0", "und", "l'eau")
    assert words.prefixes == ("E:* & Akte:*", "Arbeiten:*", "4:* & 0:*", "und:*", "l:* & eau:*")


def test_query_syntax_of_the_database_cannot_be_typed_in() -> None:
    words = search_words("Klima:* | !(Daten) & 'x' <-> y_z")
    assert words.words == ("Klima", "Daten", "x", "y", "z")
    assert all(set(p) <= set("abcdefghijklmnopqrstuvwxyzKD:*& ") for p in words.prefixes), words.prefixes


def test_a_word_counts_once_and_a_long_query_is_cut_to_its_first_words() -> None:
    assert search_words("Klima klima KLIMA Umwelt").words == ("Klima", "Umwelt")
    many = " ".join(f"wort{n}" for n in range(MAX_WORDS + 5))
    assert len(search_words(many).words) == MAX_WORDS


def test_punctuation_alone_is_no_word() -> None:
    words = search_words(" ?! -- … ")
    assert (words.words, words.prefixes) == ((), ())


def test_umlauts_and_sharp_s_are_letters_of_a_word() -> None:
    assert search_words("Straßen Überblick").words == ("Straßen", "Überblick")


def test_the_misspelt_words_are_replaced_by_their_closest_terms_first() -> None:
    offered = did_you_mean(
        query="Digitale Partizipaton",
        words=[("Digitale", True, "Digitale"), ("Partizipaton", False, "Partizipation")],
        similar=["Digitale Gemeinschaften und Partizipation", "Partizipation"],
        limit=5,
    )
    assert offered == ["Digitale Partizipation", "Digitale Gemeinschaften und Partizipation", "Partizipation"]


def test_nothing_is_offered_when_every_word_occurs_somewhere() -> None:
    words = [("Glasfaser", True, "Glasfaser"), ("Bibliothek", True, "Bibliothek")]
    assert did_you_mean(query="Glasfaser Bibliothek", words=words, similar=["Glasfaser"], limit=5) == []


def test_the_query_itself_and_repeats_are_not_offered_and_the_list_is_bounded() -> None:
    offered = did_you_mean(
        query="Klimaschuz",
        words=[("Klimaschuz", False, None)],
        similar=[
            "klimaschuz",
            "Klimaschutz",
            "KLIMASCHUTZ",
            "Klima",
            "Klimas",
            "Klimaschutz-Monitoring",
            "K",
        ],
        limit=3,
    )
    assert offered == ["Klimaschutz", "Klima", "Klimas"]


def test_goals_of_a_field_that_is_itself_a_topic_are_left_out() -> None:
    topics = [
        {"kind": "field", "slug": "bildung", "edition": "2022", "field": None},
        {"kind": "goal", "slug": "medienbildung", "edition": "2022", "field": "bildung"},
        {"kind": "goal", "slug": "medienbildung", "edition": "2019", "field": "bildung"},
        {"kind": "goal", "slug": "breitband", "edition": "2022", "field": "infrastruktur"},
    ]
    assert [(t["slug"], t["edition"]) for t in without_covered_goals(topics)] == [
        ("bildung", "2022"),
        ("medienbildung", "2019"),
        ("breitband", "2022"),
    ]
