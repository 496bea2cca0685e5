"""The published netiquette: each clause is a reason code that decisions, flags and reports cite.

A code never changes once published (decisions and reports store it); the texts may be
reworded. The codes themselves live in radar_lib.events.NETIQUETTE_CODES, where participation
reads them as the reasons a report may give; every code there has its clause here.
"""

from __future__ import annotations

from dataclasses import dataclass

from radar_lib.events import NETIQUETTE_CODES


@dataclass(frozen=True)
class Clause:
    code: str
    title_de: str
    title_en: str
    text_de: str
    text_en: str

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "title": {"de": self.title_de, "en": self.title_en},
            "text": {"de": self.text_de, "en": self.text_en},
        }


CLAUSES = (
    Clause(
        "RESPECT",
        "Respektvoller Umgang",
        "Be respectful",
        "Bleiben Sie sachlich und freundlich, auch bei anderer Meinung. Kritik an einer Maßnahme ist "
        "willkommen, die Herabsetzung von Menschen nicht.",
        "Keep to the point and stay friendly, also when you disagree. Criticism of a measure is "
        "welcome; belittling people is not.",
    ),
    Clause(
        "INSULT",
        "Keine Beleidigungen",
        "No insults",
        "Beschimpfungen, Beleidigungen, Drohungen und vulgäre Ausdrücke haben hier keinen Platz.",
        "Abuse, insults, threats and vulgar language have no place here.",
    ),
    Clause(
        "DISCRIMINATION",
        "Keine Diskriminierung",
        "No discrimination",
        "Wir veröffentlichen nichts, was Menschen wegen ihrer Herkunft, Religion, ihres Geschlechts, "
        "ihrer sexuellen Orientierung, einer Behinderung oder ihres Alters abwertet.",
        "We publish nothing that demeans people for their origin, religion, gender, sexual "
        "orientation, disability or age.",
    ),
    Clause(
        "PERSONAL_DATA",
        "Keine persönlichen Daten",
        "No personal data",
        "Veröffentlichen Sie keine Telefonnummern, E-Mail-Adressen, Anschriften, Bankverbindungen "
        "oder andere Angaben, die eine Person erkennbar machen, weder Ihre eigenen noch fremde.",
        "Do not post phone numbers, e-mail addresses, postal addresses, bank details or anything "
        "else that identifies a person, neither your own nor anyone else's.",
    ),
    Clause(
        "SPAM",
        "Keine Werbung, kein Spam",
        "No advertising, no spam",
        "Werbung, Links zu kommerziellen Angeboten, Kettenbriefe und derselbe Beitrag in mehrfacher "
        "Ausführung werden nicht veröffentlicht.",
        "Advertising, links to commercial offers, chain letters and the same post submitted again "
        "and again are not published.",
    ),
    Clause(
        "OFF_TOPIC",
        "Beim Thema bleiben",
        "Stay on topic",
        "Ein Beitrag bezieht sich auf die Maßnahme, unter der er steht. Anliegen anderer Art richten "
        "Sie bitte an die zuständige Stelle der Stadt.",
        "A post is about the measure it appears under. Please take other concerns to the city "
        "office responsible for them.",
    ),
    Clause(
        "ILLEGAL",
        "Nichts Rechtswidriges",
        "Nothing unlawful",
        "Inhalte, die gegen geltendes Recht verstoßen, etwa Volksverhetzung, Aufrufe zu Gewalt oder "
        "Verletzungen des Urheberrechts, werden nicht veröffentlicht.",
        "Content that breaks the law, such as incitement to hatred, calls for violence or copyright "
        "infringement, is not published.",
    ),
    Clause(
        "SHOUTING",
        "Nicht schreien, nicht fluten",
        "No shouting, no flooding",
        "Durchgehende Großbuchstaben und lange Ketten gleicher Zeichen erschweren das Lesen. Schreiben "
        "Sie so, wie Sie im Gespräch sprechen würden.",
        "Text in capitals throughout and long runs of the same character are hard to read. Write as "
        "you would speak in a conversation.",
    ),
)

REASON_CODES = frozenset(NETIQUETTE_CODES)
