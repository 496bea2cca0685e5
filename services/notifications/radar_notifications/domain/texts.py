"""Every text of a mail, German first, English second: key -> (de, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "radar": ("Digitalisierungsradar", "Digitalisation radar"),
    # confirmation
    "confirm.subject": ("Bitte bestätigen Sie Ihr Abonnement", "Please confirm your subscription"),
    "confirm.intro": (
        "Jemand, hoffentlich Sie, möchte mit dieser Adresse Nachrichten über {scope} erhalten.",
        "Someone, hopefully you, asked to receive news about {scope} at this address.",
    ),
    "confirm.action": ("Abonnement bestätigen", "Confirm the subscription"),
    "confirm.ignore": (
        "Wenn Sie das nicht waren, tun Sie nichts: ohne Bestätigung wird die Anfrage nach {hours} Stunden "
        "gelöscht, und Sie hören nichts mehr von uns.",
        "If this was not you, do nothing: without confirmation the request is deleted after {hours} hours "
        "and you will hear nothing more from us.",
    ),
    "scope.measure": ("die Maßnahme »{title}«", "the measure “{title}”"),
    "scope.field": ("das Handlungsfeld »{title}«", "the field of action “{title}”"),
    "scope.all": ("alle Maßnahmen der Strategie", "all measures of the strategy"),
    "scope.comment": (
        "die Entscheidung über Ihren Kommentar zu »{title}«",
        "the decision on your comment on “{title}”",
    ),
    "scope.comment_unknown": ("die Entscheidung über Ihren Kommentar", "the decision on your comment"),
    # measure events
    "measure.published.subject": ("Neue Maßnahme: {title}", "New measure: {title}"),
    "measure.updated.subject": ("Geändert: {title}", "Changed: {title}"),
    "measure.archived.subject": ("Archiviert: {title}", "Archived: {title}"),
    "measure.published.intro": (
        "Die Maßnahme »{title}« ist neu im Radar.",
        "The measure “{title}” is new on the radar.",
    ),
    "measure.updated.intro": ("Die Maßnahme »{title}« wurde geändert.", "The measure “{title}” was changed."),
    "measure.archived.intro": (
        "Die Maßnahme »{title}« wurde archiviert.",
        "The measure “{title}” was archived.",
    ),
    "measure.change": ("{old} → {new}", "{old} → {new}"),
    # yearly reports
    "report.subject": ("Jahresbericht {year}: {title}", "Annual report {year}: {title}"),
    "report.intro": (
        "Für die Maßnahme »{title}« ist der Bericht über das Jahr {year} erschienen.",
        "The report on the year {year} for the measure “{title}” has been published.",
    ),
    "report.revised_intro": (
        "Der Bericht über das Jahr {year} zur Maßnahme »{title}« wurde überarbeitet (Fassung {version}).",
        "The report on the year {year} for the measure “{title}” was revised (version {version}).",
    ),
    "report.year": ("Berichtsjahr", "Reporting year"),
    "report.achievements": ("Erreicht", "Achievements"),
    "measure.other": ("Außerdem geändert: {names}", "Also changed: {names}"),
    "measure.note": ("Änderungsnotiz", "Change note"),
    "measure.open": ("Zur Maßnahme", "Open the measure"),
    "attribute.status": ("Status", "Status"),
    "attribute.progress": ("Fortschritt", "Progress"),
    "attribute.start_year": ("Beginn", "Start"),
    "attribute.end_year": ("Ende", "End"),
    "attribute.title": ("Titel", "Title"),
    "attribute.field": ("Handlungsfeld", "Field of action"),
    "attribute.summary": ("Kurzbeschreibung", "Summary"),
    "attribute.description": ("Beschreibung", "Description"),
    "attribute.goals": ("Ziele", "Goals"),
    "attribute.lead": ("Federführung", "Lead department"),
    "attribute.principles": ("Leitlinien", "Principles"),
    "attribute.links": ("Links", "Links"),
    "attribute.unsure": ("unsichere Angaben", "uncertain details"),
    "attribute.archived": ("archiviert", "archived"),
    "value.none": ("–", "–"),
    "value.percent": ("{value} %", "{value} %"),
    "status.geplant": ("geplant", "planned"),
    "status.in_umsetzung": ("in Umsetzung", "in progress"),
    "status.abgeschlossen": ("abgeschlossen", "completed"),
    "status.eingestellt": ("eingestellt", "discontinued"),
    "status.unbekannt": ("unbekannt", "unknown"),
    # comments
    "comment.subject": ("Neuer Kommentar zu {title}", "New comment on {title}"),
    "comment.intro": (
        "Zur Maßnahme »{title}« wurde ein neuer Kommentar veröffentlicht.",
        "A new comment on the measure “{title}” was published.",
    ),
    "comment.reply_intro": (
        "Zur Maßnahme »{title}« wurde eine neue Antwort veröffentlicht.",
        "A new reply on the measure “{title}” was published.",
    ),
    "comment.open": ("Zum Kommentar", "Read the comment"),
    "decision.published.subject": ("Ihr Kommentar wurde veröffentlicht", "Your comment was published"),
    "decision.published.intro": (
        "Ihr Kommentar zu »{title}« ist jetzt für alle sichtbar. Danke für Ihren Beitrag!",
        "Your comment on “{title}” is now visible to everyone. Thank you for taking part!",
    ),
    "decision.rejected.subject": (
        "Ihr Kommentar wurde nicht veröffentlicht",
        "Your comment was not published",
    ),
    "decision.rejected.intro": (
        "Ihr Kommentar zu »{title}« wurde nicht veröffentlicht.",
        "Your comment on “{title}” was not published.",
    ),
    "decision.reason": ("Grund (Netiquette)", "Reason (netiquette)"),
    "decision.note": ("Hinweis der Moderation", "Note from the moderators"),
    "decision.open": ("Zur Maßnahme", "Open the measure"),
    # digest
    "digest.subject": ("Ihre Zusammenfassung: {count} Neuigkeiten", "Your digest: {count} updates"),
    "digest.intro": (
        "Das hat sich seit der letzten Zusammenfassung getan:",
        "This is what happened since the last digest:",
    ),
    # every mail
    "footer.why": (
        "Sie erhalten diese E-Mail, weil Sie Nachrichten des Digitalisierungsradars abonniert haben.",
        "You receive this mail because you subscribed to news from the digitalisation radar.",
    ),
    "footer.manage": ("Abonnements ansehen und ändern", "See and change your subscriptions"),
    "footer.unsubscribe": ("Abmelden", "Unsubscribe"),
    "footer.leave": ("Von allem abmelden", "Unsubscribe from everything"),
    # the netiquette's clauses, by code (moderation publishes their full text)
    "clause.RESPECT": ("Respektvoller Umgang", "Be respectful"),
    "clause.INSULT": ("Keine Beleidigungen", "No insults"),
    "clause.DISCRIMINATION": ("Keine Diskriminierung", "No discrimination"),
    "clause.PERSONAL_DATA": ("Keine persönlichen Daten", "No personal data"),
    "clause.SPAM": ("Keine Werbung, kein Spam", "No advertising, no spam"),
    "clause.OFF_TOPIC": ("Beim Thema bleiben", "Stay on topic"),
    "clause.ILLEGAL": ("Nichts Rechtswidriges", "Nothing unlawful"),
    "clause.SHOUTING": ("Nicht schreien, nicht fluten", "No shouting, no flooding"),
}


def text(key: str, language: str, **values: object) -> str:
    """The text in this language with its placeholders filled; German when the key has no English."""
    de, en = TEXTS[key]
    return (en if language == "en" else de).format(**values)


def known(key: str) -> bool:
    return key in TEXTS
