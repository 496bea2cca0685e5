"""The one text policy (radar_lib.text) and how participation and the catalog map its refusals."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from radar_catalog.domain.texts import clean_text as clean_catalog_text
from radar_catalog.domain.texts import clean_title
from radar_catalog.domain.vocabulary import CatalogError
from radar_lib.errors import RuleBroken
from radar_lib.text import (
    BIDI,
    BIDI_CONTROLS,
    CONTROL,
    EMAIL_INVALID,
    INVISIBLE,
    MAX_MARKS,
    NO_VISIBLE,
    TOO_MANY_MARKS,
    UNASSIGNED,
    TextRefused,
    clean_email,
    clean_text,
)
from radar_participation.domain import ParticipationError, clean_comment_body

pytestmark = pytest.mark.unit

ACUTE = "\u0301"


def refusal(call: Callable[[], object], error: type[RuleBroken] = TextRefused) -> RuleBroken:
    with pytest.raises(error) as info:
        call()
    return info.value


def code_of(text: str, *, multiline: bool = True) -> str:
    return refusal(lambda: clean_text(text, multiline=multiline)).code


@pytest.mark.parametrize(
    "text",
    [
        "a\x00b",  # NUL
        "rot\x1b[31m",  # ESC, C0
        "del\x7f",
        "next\x85line",  # NEL, C1
        "csi\x9b31m",  # C1
        "vertical\x0btab",
        "line\u2028separator",
        "paragraph\u2029separator",
    ],
)
def test_control_characters_are_refused(text: str) -> None:
    assert code_of(text) == CONTROL


def test_line_breaks_and_tabs_only_where_text_has_several_lines() -> None:
    assert clean_text("eins\r\nzwei\rdrei\tvier", multiline=True) == "eins\nzwei\ndrei\tvier"
    assert code_of("eins\nzwei", multiline=False) == CONTROL
    assert code_of("eins\tzwei", multiline=False) == CONTROL


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_every_bidi_control_is_refused(control: str) -> None:
    assert len(BIDI_CONTROLS) == 12
    assert code_of(f"Rechnung{control}fdp.exe") == BIDI


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",  # zero-width space
        "\u2060",  # word joiner
        "\ufeff",  # BOM, zero-width no-break space
        "\u180e",  # Mongolian vowel separator
        "\u00ad",  # soft hyphen: splits a word a filter looks for
        "\u2062",  # invisible times
        "\U000e0041",  # tag letter A: hidden ASCII
        "\u3164",  # Hangul filler, a letter that shows nothing
        "\uffa0",  # half-width Hangul filler
    ],
)
def test_invisible_characters_are_refused(invisible: str) -> None:
    assert code_of(f"Id{invisible}iot") == INVISIBLE


def test_a_text_of_only_zero_width_spaces_is_refused() -> None:
    assert code_of("\u200b" * 20) == INVISIBLE


@pytest.mark.parametrize("odd", ["\ue000", "\U000f0000", "\u0378", "\uffff", "\ud800"])
def test_private_use_unassigned_noncharacters_and_surrogates_are_refused(odd: str) -> None:
    assert code_of(f"a{odd}b") == UNASSIGNED


def test_four_marks_on_a_character_pass_and_five_are_refused() -> None:
    four = "x" + ACUTE * MAX_MARKS
    assert clean_text(four, multiline=False) == four
    assert code_of("x" + ACUTE * (MAX_MARKS + 1)) == TOO_MANY_MARKS
    assert code_of("Zalgo " + "Z" + "\u0336\u0337\u0338" * 663) == TOO_MANY_MARKS  # 1,989 marks


def test_marks_spread_over_characters_are_not_a_stack() -> None:
    text = ("x" + ACUTE * MAX_MARKS) * 3 + "!" + ACUTE * MAX_MARKS
    assert clean_text(text, multiline=False) == text


@pytest.mark.parametrize("blank", [ACUTE * 3, "\u2800\u2800", "\u0301 \u0302\n\u0303"])
def test_text_with_no_visible_character_is_refused(blank: str) -> None:
    assert code_of(blank) == NO_VISIBLE


def test_blank_text_is_empty_and_the_caller_decides() -> None:
    assert clean_text(" \n\t \u3000 ", multiline=True) == ""


@pytest.mark.parametrize(
    "emoji",
    [
        "👩\u200d💻",  # woman technologist
        "👨\u200d👩\u200d👧\u200d👦",  # family
        "🏳\ufe0f\u200d🌈",  # rainbow flag: a variation selector before the joiner
        "👩🏽\u200d🚒",  # skin tone before the joiner
        "❤\ufe0f",
        "1\ufe0f\u20e3",  # keycap
        "🇩🇪",
    ],
)
def test_emoji_sequences_are_text(emoji: str) -> None:
    assert clean_text(f"Super {emoji}!", multiline=False) == f"Super {emoji}!"


def test_zero_width_non_joiner_inside_a_persian_word_is_text() -> None:
    assert clean_text("می\u200cخواهم", multiline=False) == "می\u200cخواهم"


@pytest.mark.parametrize("text", ["\u200dx", "x\u200d", "x \u200d y", "x\u200c y", "x\u200d\u200dy"])
def test_a_joiner_that_joins_no_two_visible_characters_is_refused(text: str) -> None:
    assert code_of(text) == INVISIBLE


@pytest.mark.parametrize("text", ["مرحبا بالعالم، هذه المدينة رقمية.", "שלום עולם, העיר דיגיטלית."])
def test_arabic_and_hebrew_without_controls_are_text(text: str) -> None:
    assert clean_text(text, multiline=False) == text


def test_german_umlauts_in_nfd_are_stored_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Bürgerbüro in München, Größe")
    assert decomposed != "Bürgerbüro in München, Größe"
    assert clean_text(f"  {decomposed}\r\n", multiline=True) == "Bürgerbüro in München, Größe"


def test_the_worst_rule_is_named_with_the_character_and_its_place() -> None:
    refused = refusal(lambda: clean_text("ab\u200bc\u202ed\x00", multiline=True))
    assert refused.code == CONTROL
    assert "U+0000 at position 6" in refused.message
    assert "U+202E at position 4" in refusal(lambda: clean_text("ab\u200bc\u202e", multiline=True)).message


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Editor@Example.ORG", "Editor@example.org"),
        ("  anna.schmidt+radar@muenchen.de \n", "anna.schmidt+radar@muenchen.de"),
        ("Ju\u0308rgen@MÜNCHEN.de", "Jürgen@münchen.de"),
        ("a@xn--mnchen-3ya.de", "a@xn--mnchen-3ya.de"),
    ],
)
def test_email_is_trimmed_nfc_and_its_domain_lower_case(given: str, stored: str) -> None:
    assert clean_email(given) == stored


@pytest.mark.parametrize(
    "given",
    [
        "admin\x00@example.org",
        "admin@example.org\x00",
        "ad\x1bmin@example.org",
        "admin@exa\u202emple.org",
        "ad\u200bmin@example.org",
        "ad\u3164min@example.org",
        "ad min@example.org",
        "ad\tmin@example.org",
        "admin@exa mple.org",
        "ad\u00a0min@example.org",
        "a" * 65 + "@example.org",
        "admin@" + "a" * 64 + ".org",
        "admin@" + ("a" * 61 + ".") * 4 + "org",  # 257 characters
        "admin.example.org",
        "admin@",
        "@example.org",
        "ad@min@example.org",
        '"admin"@example.org',
        ".admin@example.org",
        "ad..min@example.org",
        "admin@example..org",
        "admin@-example.org",
        "admin@example.org.",
        "admin@exa_mple.org",
    ],
)
def test_email_with_controls_invisibles_spaces_or_bad_shape_is_refused(given: str) -> None:
    assert refusal(lambda: clean_email(given)).code == EMAIL_INVALID


def test_comment_keeps_its_codes_and_names_the_rule_as_reason() -> None:
    bidi = refusal(lambda: clean_comment_body("gut\u202e", max_length=100), ParticipationError)
    assert (bidi.code, bidi.extra) == ("COMMENT_INVALID_CHARACTERS", {"reason": BIDI})
    assert bidi.message.startswith("The comment contains")
    spaces = refusal(lambda: clean_comment_body("\u200b\u200b\u200b", max_length=100), ParticipationError)
    assert (spaces.code, spaces.extra) == ("COMMENT_INVALID_CHARACTERS", {"reason": INVISIBLE})
    marks = refusal(lambda: clean_comment_body(ACUTE * 3, max_length=100), ParticipationError)
    assert (marks.code, marks.extra) == ("COMMENT_EMPTY", {"reason": NO_VISIBLE})
    zalgo = refusal(lambda: clean_comment_body("Z" + ACUTE * 1990, max_length=2000), ParticipationError)
    assert (zalgo.code, zalgo.extra) == ("COMMENT_INVALID_CHARACTERS", {"reason": TOO_MANY_MARKS})


def test_catalog_texts_follow_the_policy_under_their_code() -> None:
    title = refusal(lambda: clean_title("E-Akte\u200b"), CatalogError)
    assert (title.code, title.extra) == ("TEXT_INVALID_CHARACTERS", {"reason": INVISIBLE})
    assert title.message.startswith("The title contains")
    summary = refusal(
        lambda: clean_catalog_text("\u2067Kurz\u2069", name="summary", max_length=100), CatalogError
    )
    assert (summary.code, summary.extra) == ("TEXT_INVALID_CHARACTERS", {"reason": BIDI})
    decomposed = unicodedata.normalize("NFD", "Öffentliches WLAN")
    assert clean_title(decomposed) == "Öffentliches WLAN"
