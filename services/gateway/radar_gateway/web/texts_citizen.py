"""The strings of the citizens' participation pages (comments, ratings, reports, "Meine Beiträge",
netiquette, transparency), German first and English second; i18n.TEXTS merges them."""

from __future__ import annotations

CITIZEN_TEXTS: dict[str, tuple[str, str]] = {
    # the thread on a measure's page
    "thread.anonymous": ("Anonym", "Anonymous"),
    "thread.own": ("von Ihnen", "yours"),
    "thread.submitted": ("gesendet am {date}", "sent on {date}"),
    "thread.published": ("veröffentlicht am {date}", "published on {date}"),
    "thread.pending": ("wartet auf Moderation", "awaiting moderation"),
    "thread.pending_hint": (
        "Nur Sie sehen diesen Kommentar, bis die Moderation ihn freigibt.",
        "Only you see this comment until the moderators approve it.",
    ),
    "thread.rejected": ("abgelehnt", "rejected"),
    "thread.rejected_reason": ("Nicht veröffentlicht wegen: {clause}", "Not published because of: {clause}"),
    "thread.rejected_note": ("Hinweis der Moderation:", "Note from the moderators:"),
    "thread.rejected_hint": (
        "Nur Sie sehen diesen Kommentar und den Grund.",
        "Only you see this comment and the reason.",
    ),
    "thread.placeholder.hidden": (
        "Dieser Kommentar wurde von der Moderation ausgeblendet.",
        "This comment was hidden by the moderators.",
    ),
    "thread.placeholder.withdrawn": ("Dieser Kommentar wurde zurückgezogen.", "This comment was withdrawn."),
    "thread.placeholder.erased": ("Dieser Kommentar wurde gelöscht.", "This comment was erased."),
    "thread.replies": ("Antworten auf diesen Kommentar", "Replies to this comment"),
    "thread.withdraw": ("Zurückziehen", "Withdraw"),
    "thread.closed": (
        "Die Maßnahme ist archiviert: Kommentare und Antworten sind geschlossen.",
        "The measure is archived: comments and replies are closed.",
    ),
    # the comment form and the reply form
    "comment.name": ("Name (freiwillig)", "Name (optional)"),
    "comment.name_hint": (
        "Steht über Ihrem Kommentar; ohne Namen steht dort „Anonym“. Höchstens 60 Zeichen.",
        "Shown above your comment; without a name it says “Anonymous”. 60 characters at most.",
    ),
    "comment.length_hint": ("Höchstens {max} Zeichen.", "{max} characters at most."),
    "comment.counter": ("{n} von {max} Zeichen", "{n} of {max} characters"),
    "comment.counter_over": (
        "{n} von {max} Zeichen – {over} zu viel",
        "{n} of {max} characters – {over} too many",
    ),
    "comment.netiquette": (
        "Was wir veröffentlichen, steht in der Netiquette.",
        "What we publish is set out in the netiquette.",
    ),
    "comment.cookie_note": (
        "Wenn Sie kommentieren, bewerten oder melden, setzen wir ein pseudonymes Cookie: eine "
        "Zufallskennung, an der wir Ihre Beiträge wiedererkennen. Ihr Name oder Ihre Adresse wird "
        "dafür nicht gespeichert.",
        "When you comment, rate or report, we set a pseudonymous cookie: a random id by which we "
        "recognise your contributions. Neither your name nor your address is stored for it.",
    ),
    "comment.my_contributions": (
        "Alle Ihre Beiträge und ihr Stand: Meine Beiträge",
        "All your contributions and where they stand: My contributions",
    ),
    "comment.reply": ("Antworten", "Reply"),
    "comment.reply_to": (" auf den Kommentar von {name}", " to the comment by {name}"),
    "comment.reply_label": ("Ihre Antwort", "Your reply"),
    "comment.reply_submit": ("Antwort senden", "Send reply"),
    # reports
    "report.open": ("Melden", "Report"),
    "report.of": (": Kommentar von {name}", ": comment by {name}"),
    "report.reason": (
        "Gegen welche Regel der Netiquette verstößt der Kommentar?",
        "Which netiquette rule does the comment break?",
    ),
    "report.choose": ("Bitte wählen", "Please choose"),
    "report.submit": ("Meldung senden", "Send report"),
    # the rating
    "rating.mean": (
        "Durchschnitt: {mean} von 5 Sternen aus {n} Bewertungen",
        "Average: {mean} of 5 stars from {n} ratings",
    ),
    "rating.mean.one": (
        "Durchschnitt: {mean} von 5 Sternen aus 1 Bewertung",
        "Average: {mean} of 5 stars from 1 rating",
    ),
    "rating.none": ("Noch keine Bewertungen.", "No ratings yet."),
    "rating.distribution": ("Verteilung der Bewertungen", "Distribution of the ratings"),
    "rating.stars": ("{n} Sterne", "{n} stars"),
    "rating.stars.one": ("1 Stern", "1 star"),
    "rating.count": ("{stars}: {n}", "{stars}: {n}"),
    "rating.own": ("Ihre Bewertung: {stars}", "Your rating: {stars}"),
    "rating.legend": ("Wie bewerten Sie diese Maßnahme?", "How do you rate this measure?"),
    "rating.submit": ("Bewertung speichern", "Save rating"),
    "rating.remove": ("Bewertung entfernen", "Remove rating"),
    "rating.closed": (
        "Die Maßnahme ist archiviert und nimmt keine Bewertungen mehr an.",
        "The measure is archived and takes no more ratings.",
    ),
    "rating.unavailable": (
        "Die Bewertungen können gerade nicht geladen werden.",
        "The ratings cannot be loaded right now.",
    ),
    # waits after a rate limit
    "limit.comments": (
        "Sie haben in kurzer Zeit viele Kommentare gesendet. Bitte warten Sie {wait} und senden Sie "
        "dann noch einmal.",
        "You have sent many comments in a short time. Please wait {wait}, then send again.",
    ),
    "limit.ratings": (
        "Sie haben in kurzer Zeit oft bewertet. Bitte warten Sie {wait} und versuchen Sie es dann "
        "noch einmal.",
        "You have rated often in a short time. Please wait {wait}, then try again.",
    ),
    "limit.reports": (
        "Es sind in kurzer Zeit viele Meldungen eingegangen. Bitte warten Sie {wait} und melden Sie dann "
        "noch einmal.",
        "Many reports came in a short time. Please wait {wait}, then report again.",
    ),
    "wait.seconds": ("{n} Sekunden", "{n} seconds"),
    "wait.seconds.one": ("1 Sekunde", "1 second"),
    "wait.minutes": ("{n} Minuten", "{n} minutes"),
    "wait.minutes.one": ("1 Minute", "1 minute"),
    # notices after a form was taken (?hinweis=...)
    "notice.bewertung_gespeichert": ("Ihre Bewertung ist gespeichert.", "Your rating is saved."),
    "notice.bewertung_entfernt": ("Ihre Bewertung ist entfernt.", "Your rating is removed."),
    "notice.kommentar_gemeldet": (
        "Danke. Ihre Meldung ist bei der Moderation.",
        "Thank you. Your report is with the moderators.",
    ),
    "notice.kommentar_zurueckgezogen": (
        "Ihr Kommentar ist zurückgezogen. Niemand sieht ihn mehr.",
        "Your comment is withdrawn. Nobody sees it any more.",
    ),
    # participation's refusals (the codes of services/participation), and those of the forms
    "err.DISPLAY_NAME_TOO_LONG": (
        "Der Name ist zu lang (höchstens 60 Zeichen).",
        "The name is too long (60 characters at most).",
    ),
    "err.DISPLAY_NAME_INVALID_CHARACTERS": (
        "Der Name enthält einen Zeilenumbruch, Steuer-, unsichtbare oder die Schreibrichtung "
        "ändernde Zeichen.",
        "The name contains a line break, control, invisible or direction-changing characters.",
    ),
    "err.PARENT_NOT_FOUND": (
        "Den Kommentar, auf den Sie antworten, gibt es hier nicht.",
        "The comment you are replying to is not on this page.",
    ),
    "err.PARENT_NOT_PUBLISHED": (
        "Auf diesen Kommentar kann man nicht antworten: Er ist nicht (mehr) veröffentlicht.",
        "This comment takes no replies: it is not published (any more).",
    ),
    "err.REPLY_TO_REPLY": (
        "Auf eine Antwort kann man nicht antworten. Antworten Sie bitte auf den Kommentar darüber.",
        "A reply takes no replies. Please reply to the comment above it.",
    ),
    "err.IDEMPOTENCY_KEY_INVALID": (
        "Das Formular ist beschädigt. Bitte laden Sie die Seite neu und senden Sie noch einmal.",
        "The form is damaged. Please reload the page and send again.",
    ),
    "err.IDEMPOTENCY_KEY_REUSED": (
        "Dieses Formular wurde schon einmal mit einem anderen Text gesendet. Ihr Text steht unten; "
        "senden Sie ihn noch einmal, wenn er ein weiterer Kommentar sein soll.",
        "This form was sent before with another text. Your text is below; send it again if it is "
        "to be another comment.",
    ),
    "err.PARTICIPANT_REQUIRED": (
        "Dafür braucht Ihr Browser das Cookie dieser Seite. Bitte erlauben Sie es und versuchen Sie "
        "es noch einmal.",
        "This needs this site's cookie in your browser. Please allow it and try again.",
    ),
    "err.PARTICIPANT_ERASED": (
        "Die Beiträge dieses Browsers wurden auf Wunsch gelöscht; unter diesem Kennzeichen wird nichts "
        "mehr gespeichert. Senden Sie noch einmal, um unter einem neuen Kennzeichen teilzunehmen.",
        "This browser's contributions were erased on request; nothing more is stored under this "
        "pseudonym. Send again to take part under a new one.",
    ),
    "err.COMMENT_NOT_FOUND": (
        "Diesen Kommentar gibt es nicht (mehr).",
        "This comment does not exist (any more).",
    ),
    "err.NOT_AUTHOR": (
        "Nur wer einen Kommentar geschrieben hat, kann ihn zurückziehen.",
        "Only its author can withdraw a comment.",
    ),
    "err.OWN_COMMENT": (
        "Den eigenen Kommentar meldet man nicht; Sie können ihn zurückziehen.",
        "One's own comment is not reported; you can withdraw it.",
    ),
    "err.ALREADY_REPORTED": (
        "Sie haben diesen Kommentar schon gemeldet. Die Moderation sieht sich ihn an.",
        "You have reported this comment before. The moderators are looking at it.",
    ),
    "err.REPORT_REASON_UNKNOWN": (
        "Bitte wählen Sie eine Regel der Netiquette als Grund.",
        "Please choose a netiquette rule as the reason.",
    ),
    "err.RATING_OUT_OF_RANGE": ("Bitte wählen Sie 1 bis 5 Sterne.", "Please choose 1 to 5 stars."),
    "err.rating.MEASURE_CLOSED": (
        "Diese Maßnahme ist archiviert und nimmt keine Bewertungen mehr an.",
        "This measure is archived and takes no more ratings.",
    ),
}
