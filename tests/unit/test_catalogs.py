"""The gettext catalogs: every language has every text with the same placeholders; a folder is a language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from radar_gateway.web.catalogs import LOCALE, SOURCE_LANGUAGE, Catalogs, placeholders, read_catalogs
from radar_gateway.web.i18n import translator
from radar_gateway.web.render import _environment

pytestmark = pytest.mark.unit


def forms(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (str(message.string),)


def key_of(message: Message) -> str:
    return str(message.id[0] if message.pluralizable else message.id)


def gaps(found: Catalogs) -> list[str]:
    """What each catalog lacks against the source language's: missing, empty, other placeholders, extra."""
    source = {key_of(m): m for m in found.books[SOURCE_LANGUAGE] if m.id}
    problems = []
    for lang, book in found.books.items():
        own = {key_of(m): m for m in book if m.id}
        extra = sorted(own.keys() - source.keys())
        problems += [f"{lang}: {key} is not in the source catalog" for key in extra]
        for key, model in source.items():
            names = set().union(*(placeholders(text) for text in forms(model)))
            message = own.get(key)
            if message is None:
                problems.append(f"{lang}: {key} is missing")
            elif message.pluralizable != model.pluralizable or len(forms(message)) != (
                book.num_plurals if message.pluralizable else 1
            ):
                problems.append(f"{lang}: {key} has the wrong number of plural forms")
            elif not all(text.strip() for text in forms(message)):
                problems.append(f"{lang}: {key} is empty")
            elif any(placeholders(text) != names for text in forms(message)):
                problems.append(f"{lang}: {key} does not name the placeholders {sorted(names)}")
    return problems


def rewrite(path: Path, change: dict[str, str | None], *, locale: str | None = None) -> None:
    """Give some keys of a catalog another text (None removes the key), optionally as another locale."""
    with path.open("rb") as fp:
        book = read_po(fp)
    copy = Catalog(locale=locale or book.locale, domain="messages", fuzzy=False)
    for message in book:
        key = key_of(message)
        new = change.get(key, "")
        if not message.id or new is None:
            continue
        if key not in change:
            copy.add(message.id, forms(message) if message.pluralizable else forms(message)[0])
        else:
            copy.add(message.id, (new, new) if message.pluralizable else new)
    with path.open("wb") as fp:
        write_po(fp, copy)


@pytest.fixture
def locale(tmp_path: Path) -> Path:
    shutil.copytree(LOCALE, tmp_path / "locale")
    return tmp_path / "locale"


def test_every_catalog_holds_every_text_of_the_source_with_its_placeholders() -> None:
    found = read_catalogs()
    assert {"de", "en"} <= set(found.languages)
    assert gaps(found) == []


def test_a_text_missing_emptied_or_with_other_placeholders_in_a_catalog_is_a_gap(locale: Path) -> None:
    rewrite(locale / "en/LC_MESSAGES/messages.po",
            {"radar.heading": None, "nav.logout": "", "nav.signed_in": "Signed in as {mail}"})  # fmt: skip
    assert gaps(read_catalogs(locale)) == [
        "en: nav.logout is empty",
        "en: nav.signed_in does not name the placeholders ['email']",
        "en: radar.heading is missing",
    ]


def test_a_text_missing_in_a_language_falls_back_to_the_source_and_an_unknown_key_shows_itself(
    locale: Path,
) -> None:
    rewrite(locale / "en/LC_MESSAGES/messages.po", {"radar.heading": None})
    t = read_catalogs(locale).translator("en")
    assert t("radar.heading") == "Digitalisierungs\u00adradar"
    assert t("nav.logout") == "Log out"
    assert t("no.such.key") == "no.such.key"


def test_a_new_folder_is_a_new_language_with_its_own_name_and_plural_rule(locale: Path) -> None:
    (locale / "fr").mkdir()
    shutil.copytree(locale / "en/LC_MESSAGES", locale / "fr/LC_MESSAGES")
    french = {"lang.name": "Français", "radar.heading": "Radar numérique", "radar.count_all": "{n} mesure"}
    rewrite(locale / "fr/LC_MESSAGES/messages.po", dict(french), locale="fr")
    found = read_catalogs(locale)
    t = found.translator("fr")

    assert found.languages[0] == "de" and "fr" in found.languages
    assert found.pick_language("fr", None) == ("fr", True)
    assert found.pick_language(None, "fr") == ("fr", False)
    assert found.name("fr") == "Français" and found.name("de") == "Deutsch"
    assert t("radar.heading") == "Radar numérique"
    assert t("radar.count_all", n=0) == "0 mesure"  # French takes the singular for 0 as well
    assert read_catalogs(locale).translator("en")("radar.count_all", n=0) == "0 measures"


def test_a_catalog_folder_must_be_named_by_a_language_code(locale: Path) -> None:
    shutil.copytree(locale / "en", locale / "english")
    with pytest.raises(ValueError, match="language code"):
        read_catalogs(locale)


def test_templates_may_say_gettext_as_well_as_t() -> None:
    template = _environment().from_string(
        '{{ _("radar.count_all", n=1) }} / {{ gettext("nav.signed_in", email="<a@b>") }} / '
        '{{ ngettext("radar.count_all", "radar.count_all", 3) }} / {% trans %}nav.logout{% endtrans %}'
    )
    shown = template.render(t=translator("en"))
    assert shown == "1 measure / Signed in as &lt;a@b&gt; / 3 measures / Log out"


def test_a_fraction_or_a_formatted_number_reads_as_more_than_one() -> None:
    de = read_catalogs().translator("de")
    assert de("transparency.hours", n="3,5") == "3,5 Stunden"
    assert de("transparency.hours", n=1.0) == "1.0 Stunde"  # a whole number takes its own form
    assert de("transparency.hours", n=2.5) == "2.5 Stunden"
