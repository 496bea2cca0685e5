"""The strings of the citizens' own pages ("Meine Beiträge", erasure), the netiquette and the
transparency pages, and the counts on lists; German first, English second; i18n.TEXTS merges them."""

from __future__ import annotations

_MY_CONTRIBUTIONS: dict[str, tuple[str, str]] = {
    "mine.title": ("Meine Beiträge", "My contributions"),
    "mine.intro": (
        "Alle Kommentare, die in diesem Browser geschrieben wurden, und was aus ihnen geworden ist. "
        "Diese Seite sieht nur, wer diesen Browser benutzt.",
        "Every comment written in this browser, and what became of it. Only whoever uses this "
        "browser sees this page.",
    ),
    "mine.empty": (
        "Hier erscheinen Ihre Beiträge, sobald Sie in diesem Browser den ersten Kommentar zu einer "
        "Maßnahme geschrieben haben.",
        "Your contributions appear here once you have written your first comment on a measure in "
        "this browser.",
    ),
    "mine.pseudonym": (
        "Dafür merkt sich der Browser ein zufälliges Pseudonym in einem Cookie. Wir speichern weder "
        "Ihren Namen noch Ihre Adresse.",
        "For this the browser keeps a random pseudonym in a cookie. We store neither your name nor "
        "your address.",
    ),
    "mine.none_yet": (
        "Sie haben noch keine Kommentare geschrieben.",
        "You have not written any comments yet.",
    ),
    "mine.count": ("{n} Beiträge", "{n} contributions"),
    "mine.count.one": ("1 Beitrag", "1 contribution"),
    "mine.status_label": ("Status", "Status"),
    "mine.status.pending": ("wartet auf Moderation", "awaiting moderation"),
    "mine.status.published": ("veröffentlicht", "published"),
    "mine.status.rejected": ("abgelehnt", "rejected"),
    "mine.status.withdrawn": ("zurückgezogen", "withdrawn"),
    "mine.status.hidden": ("ausgeblendet", "hidden"),
    "mine.status.erased": ("gelöscht", "erased"),
    "mine.submitted": ("Eingereicht am {date}", "Submitted on {date}"),
    "mine.reply": ("Antwort auf einen Kommentar", "Reply to a comment"),
    "mine.reason": ("Grund", "Reason"),
    "mine.note": ("Hinweis der Moderation", "Note from the moderators"),
    "mine.reason_unavailable": (
        "Die Texte der Netiquette sind gerade nicht erreichbar; bei abgelehnten Beiträgen steht "
        "deshalb nur das Kürzel des Grundes.",
        "The netiquette's texts cannot be reached right now, so rejected contributions show only "
        "the code of their reason.",
    ),
    "mine.withdraw": ("Zurückziehen", "Withdraw"),
    "mine.newer": ("Neuere Beiträge", "Newer contributions"),
    "mine.older": ("Ältere Beiträge", "Older contributions"),
    "mine.pages": ("Weitere Seiten", "More pages"),
    "mine.erase_heading": ("Meine Daten löschen", "Erase my data"),
    "mine.erase_intro": (
        "Sie können alles löschen lassen, was dieser Browser hier geschrieben, bewertet und gemeldet hat.",
        "You can have everything erased that this browser wrote, rated and reported here.",
    ),
    "mine.erase_button": ("Löschen vorbereiten …", "Prepare the erasure …"),
    "mine.error.COMMENT_NOT_FOUND": ("Diesen Beitrag gibt es nicht.", "There is no such contribution."),
    "mine.error.NOT_AUTHOR": (
        "Nur wer einen Beitrag geschrieben hat, kann ihn zurückziehen.",
        "Only its author can withdraw a contribution.",
    ),
    "notice.beitrag_zurueckgezogen": (
        "Ihr Beitrag ist zurückgezogen. Niemand sieht ihn mehr.",
        "Your contribution is withdrawn. Nobody sees it any more.",
    ),
}

_ERASURE: dict[str, tuple[str, str]] = {
    "erase.title": ("Meine Daten löschen", "Erase my data"),
    "erase.what": ("Gelöscht wird, in jedem Teil des Radars:", "What is erased, in every part of the radar:"),
    "erase.comments": (
        "alle Kommentare und Antworten aus diesem Browser, auch die noch nicht veröffentlichten und "
        "die abgelehnten",
        "every comment and reply from this browser, also those not yet published and those rejected",
    ),
    "erase.ratings": ("alle Bewertungen von Maßnahmen", "every rating of a measure"),
    "erase.reports": ("alle Meldungen von Kommentaren", "every report of a comment"),
    "erase.names": (
        "die Namen, die Sie zu Ihren Kommentaren angegeben haben",
        "the names you gave with your comments",
    ),
    "erase.kept": (
        "Die Statistik der Moderation behält nur Anzahlen, ohne Text und ohne Bezug zu Ihnen. "
        "Antworten anderer auf Ihre Kommentare bleiben stehen.",
        "The moderation statistics keep only counts, without text and without a link to you. "
        "Other people's replies to your comments stay.",
    ),
    "erase.final": (
        "Die Löschung lässt sich nicht rückgängig machen. Danach vergisst dieser Browser sein Pseudonym.",
        "The erasure cannot be undone. Afterwards this browser forgets its pseudonym.",
    ),
    "erase.confirm": ("Ja, alles löschen", "Yes, erase everything"),
    "erase.cancel": ("Abbrechen", "Cancel"),
    "erase.nothing": (
        "Dieser Browser hat hier nichts geschrieben, bewertet oder gemeldet: Es gibt nichts zu löschen.",
        "This browser has written, rated and reported nothing here: there is nothing to erase.",
    ),
    "erase.back": ("Zurück zu „Meine Beiträge“", "Back to “My contributions”"),
    "notice.daten_geloescht": (
        "Ihre Löschung ist beauftragt: Alle Teile des Radars löschen Ihre Beiträge, Bewertungen und "
        "Meldungen. Dieser Browser hat sein Pseudonym vergessen.",
        "Your erasure is under way: every part of the radar erases your contributions, ratings and "
        "reports. This browser has forgotten its pseudonym.",
    ),
    "notice.nichts_zu_loeschen": (
        "Dieser Browser hat hier nichts hinterlassen: Es gibt nichts zu löschen.",
        "This browser left nothing here: there is nothing to erase.",
    ),
}

_NETIQUETTE: dict[str, tuple[str, str]] = {
    "netiquette.title": ("Netiquette", "Netiquette"),
    "netiquette.intro": (
        "Jeder Kommentar wird vor seiner Veröffentlichung von der Moderation gelesen. Wird er "
        "abgelehnt oder ausgeblendet, nennt die Entscheidung einen dieser Grundsätze.",
        "Every comment is read by the moderators before it is published. When one is rejected or "
        "hidden, the decision names one of these principles.",
    ),
    "netiquette.code": ("Kürzel", "Code"),
    "netiquette.figures": (
        "Wie oft welcher Grundsatz angewandt wurde, zeigt die Seite „Transparenz der Moderation“.",
        "How often each principle was applied is shown on the page “Moderation in figures”.",
    ),
}

_TRANSPARENCY: dict[str, tuple[str, str]] = {
    "transparency.title": ("Transparenz der Moderation", "Moderation in figures"),
    "transparency.intro": (
        "Wie viele Kommentare die Moderation je Monat freigegeben, abgelehnt und ausgeblendet hat, aus "
        "welchen Gründen, wie lange eine Entscheidung dauerte und wie viele Beiträge warteten.",
        "How many comments the moderators approved, rejected and hid each month, for which reasons, "
        "how long a decision took and how many contributions were waiting.",
    ),
    "transparency.period": ("Zeitraum", "Period"),
    "transparency.from": ("Von (Monat)", "From (month)"),
    "transparency.to": ("Bis (Monat)", "To (month)"),
    "transparency.month_hint": (
        "Als JJJJ-MM, zum Beispiel 2025-01; leer: die letzten zwölf Monate.",
        "As YYYY-MM, for example 2025-01; empty: the last twelve months.",
    ),
    "transparency.show": ("Anzeigen", "Show"),
    "transparency.error.MONTH_INVALID": (
        "Ein Monat wird als JJJJ-MM geschrieben, zum Beispiel 2025-01.",
        "A month is written YYYY-MM, for example 2025-01.",
    ),
    "transparency.error.PERIOD_IN_FUTURE": (
        "Der Zeitraum endet nach dem laufenden Monat.",
        "The period ends after the current month.",
    ),
    "transparency.error.PERIOD_INVALID": (
        "Der erste Monat liegt nach dem letzten.",
        "The first month comes after the last one.",
    ),
    "transparency.error.PERIOD_TOO_LONG": (
        "Ein Zeitraum umfasst höchstens 120 Monate.",
        "A period covers at most 120 months.",
    ),
    "transparency.zone": ("Monate nach der Zeitzone {zone}.", "Months in the time zone {zone}."),
    "transparency.month": ("Monat", "Month"),
    "transparency.outcomes": ("Entscheidungen nach Ergebnis", "Decisions by outcome"),
    "transparency.total": ("Insgesamt", "Total"),
    "transparency.outcome.approve": ("Freigegeben", "Approved"),
    "transparency.outcome.reject": ("Abgelehnt", "Rejected"),
    "transparency.outcome.hide": ("Nach Meldung ausgeblendet", "Hidden after a report"),
    "transparency.outcome.dismiss": ("Meldung zurückgewiesen", "Report dismissed"),
    "transparency.automatic": ("Davon automatisch", "Of these automatic"),
    "transparency.reasons": ("Entscheidungen nach Grund", "Decisions by reason"),
    "transparency.reason": ("Grund (Netiquette)", "Reason (netiquette)"),
    "transparency.count": ("Anzahl", "Number"),
    "transparency.no_reasons": (
        "In diesem Zeitraum wurde keine Entscheidung mit einem Grund getroffen.",
        "No decision in this period gave a reason.",
    ),
    "transparency.times": ("Dauer bis zur Entscheidung und Warteschlange", "Time to decision and queue"),
    "transparency.times_note": (
        "Zeit von der Einreichung eines Kommentars bis zur Entscheidung eines Menschen; automatische "
        "Entscheidungen zählen hier nicht. Die Warteschlange am Monatsende, für den laufenden Monat jetzt.",
        "Time from a comment's submission to a person's decision; automatic decisions do not count "
        "here. The queue at the end of the month, for the current month now.",
    ),
    "transparency.median": ("Median", "Median"),
    "transparency.p90": ("90. Perzentil", "90th percentile"),
    "transparency.timed": ("Zeitlich erfasste Entscheidungen", "Decisions timed"),
    "transparency.queue_length": ("Wartende Beiträge", "Contributions waiting"),
    "transparency.oldest": ("Wartet am längsten seit", "Oldest waiting for"),
    "transparency.no_value": ("–", "–"),
    "transparency.no_value_text": ("keine Angabe", "none"),
    "transparency.under_a_minute": ("unter einer Minute", "under a minute"),
    "transparency.minutes": ("{n} Minuten", "{n} minutes"),
    "transparency.minutes.one": ("1 Minute", "1 minute"),
    "transparency.hours": ("{n} Stunden", "{n} hours"),
    "transparency.hours.one": ("1 Stunde", "1 hour"),
    "transparency.days": ("{n} Tage", "{n} days"),
    "transparency.days.one": ("1 Tag", "1 day"),
    "transparency.months": (
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
        "January February March April May June July August September October November December",
    ),
    "transparency.netiquette": ("Die Grundsätze der Netiquette", "The principles of the netiquette"),
}

_COUNTS: dict[str, tuple[str, str]] = {
    "counts.comments": ("{n} Kommentare", "{n} comments"),
    "counts.comments.one": ("1 Kommentar", "1 comment"),
    "counts.ratings": ("{n} Bewertungen", "{n} ratings"),
    "counts.ratings.one": ("1 Bewertung", "1 rating"),
    "counts.mean": ("im Mittel {mean} von 5 Sternen", "average {mean} of 5 stars"),
}

PUBLIC_TEXTS: dict[str, tuple[str, str]] = (
    _MY_CONTRIBUTIONS | _ERASURE | _NETIQUETTE | _TRANSPARENCY | _COUNTS
)
