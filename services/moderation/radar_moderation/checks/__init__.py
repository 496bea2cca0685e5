"""The automatic checks on every submitted comment: pure functions, no framework, no store.

Each check that finds something gives a Flag: a flag code, the netiquette clause it points
to, and a short detail (a count, a share, or the list entries found; never the comment's
own words beyond those list entries). `check_comment` runs them all on one text and sums
the spam score (links and promotional phrases); whether a flag leads to an automatic
decision is the policy's business (domain.automatic_decision). Repeats need the store:
`duplicate_flag` turns the counts it found into a flag.
"""

from __future__ import annotations

from dataclasses import dataclass

from radar_moderation.checks import form, personal_data, profanity, spam


@dataclass(frozen=True)
class FlagKind:
    code: str
    reason_code: str  # the netiquette clause
    label_de: str
    label_en: str


FLAG_KINDS = {
    kind.code: kind
    for kind in (
        FlagKind("PROFANITY", "INSULT", "Beleidigung oder Vulgärsprache", "Insult or profanity"),
        FlagKind("LINKS", "SPAM", "Enthält Links", "Contains links"),
        FlagKind("PROMOTION", "SPAM", "Werbesprache", "Promotional phrases"),
        FlagKind("DUPLICATE", "SPAM", "Derselbe Text erneut eingereicht", "Same text submitted again"),
        FlagKind("EMAIL_ADDRESS", "PERSONAL_DATA", "E-Mail-Adresse", "E-mail address"),
        FlagKind("PHONE_NUMBER", "PERSONAL_DATA", "Telefonnummer", "Phone number"),
        FlagKind("IBAN", "PERSONAL_DATA", "Bankverbindung (IBAN)", "Bank account (IBAN)"),
        FlagKind("SHOUTING", "SHOUTING", "Überwiegend Großbuchstaben", "Mostly capitals"),
        FlagKind("REPEATED_CHARACTERS", "SHOUTING", "Zeichenwiederholung", "Repeated characters"),
    )
}
DUPLICATE_MIN_LENGTH = 20  # shorter texts ("Gute Idee!") count as repeats only from the same author


@dataclass(frozen=True)
class Flag:
    code: str
    detail: str = ""

    @property
    def reason_code(self) -> str:
        return FLAG_KINDS[self.code].reason_code


@dataclass(frozen=True)
class CheckResult:
    flags: tuple[Flag, ...]
    spam_score: int  # links plus promotional phrases


def check_comment(text: str) -> CheckResult:
    """Every check that needs nothing but the text."""
    flags: list[Flag] = []
    emails = personal_data.find_emails(text)
    rest = personal_data.blank(text, emails)
    ibans = personal_data.find_ibans(rest)
    rest = personal_data.blank(rest, ibans)
    phones = personal_data.find_phones(rest)
    for code, found in (("EMAIL_ADDRESS", emails), ("IBAN", ibans), ("PHONE_NUMBER", phones)):
        if found:
            flags.append(Flag(code, str(len(found))))
    if insults := profanity.find_insults(text):
        flags.append(Flag("PROFANITY", ", ".join(insults)))
    links, promotion = spam.count_links(rest), spam.count_promotion(rest)
    if links:
        flags.append(Flag("LINKS", str(links)))
    if promotion:
        flags.append(Flag("PROMOTION", str(promotion)))
    if form.is_shouting(text):
        flags.append(Flag("SHOUTING", f"{round(100 * (form.capitals_share(text) or 0))} %"))
    if run := form.longest_run(text):
        flags.append(Flag("REPEATED_CHARACTERS", str(run)))
    return CheckResult(flags=tuple(flags), spam_score=links + promotion)


def duplicate_flag(*, text: str, own: int, others: int) -> Flag | None:
    """A flag when the same author sent this text before, or others did and it is not a short one."""
    if own:
        return Flag("DUPLICATE", "own")
    if others and len(form.normalised(text)) >= DUPLICATE_MIN_LENGTH:
        return Flag("DUPLICATE", "others")
    return None
