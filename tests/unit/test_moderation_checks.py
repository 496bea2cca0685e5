"""The automatic checks, each with what it must find and what it must leave alone."""

from __future__ import annotations

import pytest

from radar_moderation.checks import check_comment, duplicate_flag, form, personal_data, profanity, spam

pytestmark = pytest.mark.unit


def codes(text: str) -> set[str]:
    return {flag.code for flag in check_comment(text).flags}


@pytest.mark.parametrize(
    "text",
    [
        "Du bist ein Idiot.",
        "So ein Vollidiot!",
        "Was für Idioten",
        "Diese Arschlöcher im Rathaus",
        "Scheiße, schon wieder verschoben",
        "Scheisse",
        "1d10t",
        "what an a$$hole",
        "i d i o t",
        "f.u.c.k this",
        "Idiooooot",
        "Halt's Maul!",
        "you moron",
        "motherfucker",
    ],
)
def test_insults_and_profanity_are_flagged_in_german_and_english(text: str) -> None:
    assert "PROFANITY" in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Die Schule braucht schnelleres WLAN.",
        "Eine Klasse Idee für die Klassenzimmer",
        "Das Assessment in Scunthorpe war gut.",
        "Der Marsch durch die Innenstadt",
        "Eine Arschbombe ins Freibad",
        "Shiitake-Pilze vom Wochenmarkt",
        "Dickens und Hancock lesen",
        "Eine Analyse der Spastik-Ambulanz",
        "Der Shitstorm blieb aus.",
    ],
)
def test_harmless_words_that_contain_a_listed_word_are_not_flagged(text: str) -> None:
    assert "PROFANITY" not in codes(text)


def test_profanity_detail_names_list_entries_not_the_comment() -> None:
    [flag] = check_comment("Vollidioten und 1d10ten!").flags
    assert flag.detail == "idiot"
    assert flag.reason_code == "INSULT"


def test_email_addresses_are_personal_data_also_when_spelled_out() -> None:
    assert personal_data.find_emails("Schreiben Sie an max.mustermann@example.org bitte")
    assert personal_data.find_emails("max (at) example (dot) org")
    assert personal_data.find_emails("erika[at]muenchen.de")
    assert not personal_data.find_emails("Treffen @ Rathaus um 10 Uhr, siehe muenchen.de")
    flags = check_comment("Mail: max@example.org").flags
    assert [(f.code, f.reason_code) for f in flags] == [("EMAIL_ADDRESS", "PERSONAL_DATA")]


@pytest.mark.parametrize(
    "number",
    ["089 1234567", "089/1234567", "(089) 123 45-67", "0171 1234567", "+49 89 1234567", "+49 (0)89 123456",
     "0049 89 1234567", "+1 555 123 4567"],
)  # fmt: skip
def test_german_and_international_phone_numbers_are_found(number: str) -> None:
    assert personal_data.find_phones(f"Rufen Sie an unter {number}, danke."), number


@pytest.mark.parametrize(
    "text",
    ["am 01.02.2024 im Rathaus", "bis 2024-03-12", "am 12/03/2024", "von 08.00-12.00 Uhr", "1.000.000 Euro",
     "+10.000.000 Euro", "80331 München", "die Jahre 2023-2025", "Version 2.0.1", "01067 Dresden"],
)  # fmt: skip
def test_dates_times_years_and_amounts_are_not_phone_numbers(text: str) -> None:
    assert not personal_data.find_phones(text), text


def test_iban_is_flagged_only_with_a_valid_checksum() -> None:
    assert personal_data.find_ibans("IBAN: DE89 3704 0044 0532 0130 00, danke")
    assert personal_data.find_ibans("de89370400440532013000")
    assert personal_data.find_ibans("AT61 1904 3002 3457 3201")
    assert not personal_data.find_ibans("IBAN: DE89 3704 0044 0532 0130 01")  # one digit off
    assert not personal_data.find_ibans("DE00 3704 0044 0532 0130 00")
    flags = check_comment("Spenden an DE89 3704 0044 0532 0130 00").flags
    assert [f.code for f in flags] == ["IBAN"]  # its digits are no phone number


def test_links_and_promotional_phrases_make_the_spam_score() -> None:
    assert spam.count_links("https://example.com/x und www.example.org und bit.ly/abc") == 3
    assert spam.count_links("Mehr auf muenchen.de") == 1
    assert spam.count_links("Das ist z.B. gut, usw. Version 2.0") == 0
    assert spam.count_promotion("Jetzt kaufen! jetzt   KAUFEN! Buy now") == 3
    assert spam.count_promotion("Kostenloses WLAN und gratis Parken") == 0
    result = check_comment("Jetzt kaufen: https://shop.example.com")
    assert {f.code for f in result.flags} == {"LINKS", "PROMOTION"}
    assert result.spam_score == 2
    assert check_comment("Schreib an max@example.org").spam_score == 0  # an address is no link


def test_shouting_needs_mostly_capitals_over_a_minimum_length() -> None:
    assert "SHOUTING" in codes("DAS IST JA WOHL DIE HÖHE, WAS HIER PASSIERT")
    assert "SHOUTING" not in codes("NEIN!")  # too short to tell
    assert "SHOUTING" not in codes("Die EU und die IT der LHM setzen das WLAN-Projekt um.")


def test_long_runs_of_one_character_are_flagged_but_not_numbers() -> None:
    assert "REPEATED_CHARACTERS" in codes("Neeeeeeein!!!!!!")
    assert "REPEATED_CHARACTERS" not in codes("Nein!!! Das kostet 1000000 Euro.")
    assert form.longest_run("aaaaaaaa") == 8


def test_same_text_again_is_a_repeat_by_the_same_author_or_if_long_by_others() -> None:
    assert form.fingerprint("Gute  Idee!") == form.fingerprint("gute idee")
    assert form.fingerprint("Gute Idee") != form.fingerprint("Schlechte Idee")
    own = duplicate_flag(text="Gute Idee!", own=1, others=0)
    assert own is not None and own.detail == "own"
    assert duplicate_flag(text="Gute Idee!", own=0, others=3) is None  # short: many say it
    long_text = "Bitte unterstützen Sie diese Maßnahme mit Ihrer Stimme"
    others = duplicate_flag(text=long_text, own=0, others=1)
    assert others is not None and others.reason_code == "SPAM"
    assert duplicate_flag(text=long_text, own=0, others=0) is None


def test_a_clean_comment_has_no_flags() -> None:
    result = check_comment("Ich finde die digitale Akte gut. Wann kommt sie in die Bezirksinspektionen?")
    assert result.flags == () and result.spam_score == 0


def test_profanity_words_are_folded_like_the_list() -> None:
    assert profanity.fold("Scheiße") == profanity.fold("scheisse") == "scheise"
    assert profanity.fold("1d10t!") == "idiot"
    assert profanity.words_of("i d i o t und 2024") == ["idiot", "und", "2024"]
