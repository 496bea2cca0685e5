"""The strings of the moderators' pages (queue, reports, audit log) and staff navigation,
German first and English second; i18n.TEXTS merges them."""

from __future__ import annotations

STAFF_TEXTS: dict[str, tuple[str, str]] = {
    # the moderation pages' own navigation
    "mod.nav": ("Bereiche der Moderation", "Moderation sections"),
    "mod.nav.queue": ("Warteschlange", "Queue"),
    "mod.nav.reports": ("Meldungen", "Reports"),
    "mod.nav.audit": ("Protokoll", "Audit log"),
    # the queue
    "mod.queue.heading": ("Moderation: Warteschlange", "Moderation: queue"),
    "mod.queue.intro": (
        "Eingereichte Kommentare, die älteste zuerst. Übernehmen Sie einen Kommentar, bevor Sie ihn "
        "prüfen: Dann entscheidet niemand sonst gleichzeitig darüber.",
        "Submitted comments, oldest first. Claim a comment before you review it, so that nobody "
        "else decides on it at the same time.",
    ),
    "mod.queue.count": ("{n} Kommentare warten", "{n} comments waiting"),
    "mod.queue.count.one": ("1 Kommentar wartet", "1 comment waiting"),
    "mod.queue.count_filtered": (
        "{n} Kommentare mit dem Hinweis „{flag}“",
        "{n} comments with the flag “{flag}”",
    ),
    "mod.queue.count_filtered.one": (
        "1 Kommentar mit dem Hinweis „{flag}“",
        "1 comment with the flag “{flag}”",
    ),
    "mod.queue.empty": ("Keine Kommentare warten auf Moderation.", "No comments are waiting for moderation."),
    "mod.queue.empty_filtered": (
        "Kein wartender Kommentar hat diesen Hinweis.",
        "No waiting comment has this flag.",
    ),
    "mod.queue.empty_page": ("Auf dieser Seite ist nichts mehr.", "There is nothing left on this page."),
    "mod.queue.first_page": ("Zur ersten Seite", "To the first page"),
    "mod.filter.flag": ("Automatischer Hinweis", "Automatic flag"),
    "mod.filter.all": ("alle Kommentare", "all comments"),
    "mod.filter.submit": ("Filter anwenden", "Apply the filter"),
    "mod.filter.reset": ("Filter aufheben", "Clear the filter"),
    "mod.item.name": ("Kommentar {n}", "Comment {n}"),
    "mod.item.name_long": ("Kommentar {n} („{excerpt}“)", "Comment {n} (“{excerpt}”)"),
    "mod.item.on": ("zu", "on"),
    "mod.item.untitled": ("Maßnahme (Titel noch unbekannt)", "Measure (title not known yet)"),
    "mod.item.submitted": ("Eingereicht", "Submitted"),
    "mod.item.reply": ("Antwort auf einen anderen Kommentar", "A reply to another comment"),
    "mod.item.recent": (
        "Von derselben Person: {day} in 24 Stunden, {week} in 7 Tagen",
        "From the same person: {day} in 24 hours, {week} in 7 days",
    ),
    "mod.item.flags": ("Automatische Hinweise", "Automatic flags"),
    "mod.item.no_flags": ("Keine automatischen Hinweise.", "No automatic flags."),
    "mod.item.flag_reason": ("Netiquette:", "Netiquette:"),
    "mod.item.flag_detail": ("gefunden: {detail}", "found: {detail}"),
    "mod.item.claimed_by_me": ("Von Ihnen übernommen bis {until}", "Claimed by you until {until}"),
    "mod.item.claimed_by_other": (
        "In Bearbeitung durch {who} bis {until}",
        "Being worked on by {who} until {until}",
    ),
    "mod.item.unclaimed": ("Von niemandem übernommen", "Claimed by nobody"),
    "mod.item.select": ("Zur Sammelfreigabe auswählen", "Select for approving together"),
    "mod.action.claim": ("Übernehmen", "Claim"),
    "mod.action.approve": ("Freigeben", "Approve"),
    "mod.action.reject": ("Ablehnen", "Reject"),
    "mod.action.reason": ("Grund (Netiquette)", "Reason (netiquette)"),
    "mod.action.reason_choose": ("Bitte wählen", "Please choose"),
    "mod.action.note": ("Notiz (optional)", "Note (optional)"),
    "mod.action.note_hint": (
        "Die Person, die den Kommentar geschrieben hat, sieht die Notiz zusammen mit dem Grund.",
        "The person who wrote the comment sees the note together with the reason.",
    ),
    "mod.bulk.heading": ("Mehrere freigeben", "Approve several"),
    "mod.bulk.hint": (
        "Wählen Sie oben Kommentare aus. Freigegeben wird nur, wenn alle ausgewählten freigegeben "
        "werden können; sonst keiner.",
        "Select comments above. They are approved only if every selected one can be; otherwise none is.",
    ),
    "mod.bulk.submit": ("Ausgewählte freigeben", "Approve the selected ones"),
    "mod.problem": ("{name}: {message}", "{name}: {message}"),
    "mod.problem_code": ("Fehlercode: {code}", "Error code: {code}"),
    "mod.pager": ("Seiten", "Pages"),
    "mod.pager.previous": ("Vorherige Seite", "Previous page"),
    "mod.pager.next": ("Nächste Seite", "Next page"),
    "mod.pager.position": ("Seite {n} von {pages}", "Page {n} of {pages}"),
    "mod.time": ("{date}, {time} Uhr (UTC)", "{date}, {time} (UTC)"),
    # the report queue
    "mod.reports.heading": ("Moderation: Meldungen", "Moderation: reports"),
    "mod.reports.intro": (
        "Veröffentlichte Kommentare, die Bürgerinnen und Bürger gemeldet haben, die am längsten "
        "gemeldeten zuerst. Blenden Sie einen Kommentar mit einem Grund aus, oder verwerfen Sie die "
        "Meldungen, wenn er gegen nichts verstößt.",
        "Published comments that citizens reported, the longest-reported first. Hide a comment with a "
        "reason, or dismiss the reports if it breaks no rule.",
    ),
    "mod.reports.count": ("{n} gemeldete Kommentare", "{n} reported comments"),
    "mod.reports.count.one": ("1 gemeldeter Kommentar", "1 reported comment"),
    "mod.reports.empty": ("Keine offenen Meldungen.", "No open reports."),
    "mod.reports.times": ("{n} Meldungen", "{n} reports"),
    "mod.reports.times.one": ("1 Meldung", "1 report"),
    "mod.reports.reasons": ("Gründe der Meldungen", "Reasons given"),
    "mod.reports.first": ("Zuerst gemeldet", "First reported"),
    "mod.reports.hide": ("Ausblenden", "Hide"),
    "mod.reports.dismiss": ("Meldung verwerfen", "Dismiss the report"),
    # the audit log
    "mod.audit.heading": ("Moderation: Protokoll", "Moderation: audit log"),
    "mod.audit.intro": (
        "Jede Entscheidung über einen Kommentar: wer, was, wann und warum; die neueste zuerst.",
        "Every decision on a comment: who, what, when and why; the newest first.",
    ),
    "mod.audit.caption": ("Protokoll, {n} Einträge", "Audit log, {n} entries"),
    "mod.audit.caption.one": ("Protokoll, 1 Eintrag", "Audit log, 1 entry"),
    "mod.audit.empty": ("Das Protokoll ist leer.", "The audit log is empty."),
    "mod.audit.when": ("Wann", "When"),
    "mod.audit.who": ("Wer", "Who"),
    "mod.audit.what": ("Was", "What"),
    "mod.audit.comment": ("Kommentar", "Comment"),
    "mod.audit.why": ("Grund", "Reason"),
    "mod.audit.note": ("Notiz", "Note"),
    "mod.audit.system": ("System (automatische Prüfung)", "System (automatic checks)"),
    "mod.audit.auto": ("Automatische Entscheidung (Richtlinie)", "Automatic decision (policy)"),
    "mod.audit.staff_unknown": ("Konto {id}", "Account {id}"),
    "mod.audit.flags": ("Hinweise: {flags}", "Flags: {flags}"),
    "mod.audit.reports_closed": ("{n} Meldungen geschlossen", "{n} reports closed"),
    "mod.audit.reports_closed.one": ("1 Meldung geschlossen", "1 report closed"),
    "mod.action.queued": ("In die Warteschlange aufgenommen", "Queued"),
    "mod.action.approved": ("Freigegeben", "Approved"),
    "mod.action.rejected": ("Abgelehnt", "Rejected"),
    "mod.action.hidden": ("Ausgeblendet", "Hidden"),
    "mod.action.dismissed": ("Meldungen verworfen", "Reports dismissed"),
    "mod.action.withdrawn": ("Von der Person zurückgezogen", "Withdrawn by its author"),
    # notices after a moderator's action (?hinweis=<key> picks notice.<key>)
    "notice.uebernommen": (
        "Sie haben den Kommentar übernommen. Niemand sonst kann jetzt darüber entscheiden.",
        "You claimed the comment. Nobody else can decide on it now.",
    ),
    "notice.freigegeben": ("Der Kommentar ist freigegeben.", "The comment is approved."),
    "notice.abgelehnt": ("Der Kommentar ist abgelehnt.", "The comment is rejected."),
    "notice.alle_freigegeben": (
        "Die ausgewählten Kommentare sind freigegeben.",
        "The selected comments are approved.",
    ),
    "notice.ausgeblendet": ("Der gemeldete Kommentar ist ausgeblendet.", "The reported comment is hidden."),
    "notice.meldung_verworfen": ("Die Meldungen sind verworfen.", "The reports are dismissed."),
    # refusals of the moderation service, by error code
    "err.FLAG_UNKNOWN": ("Diesen automatischen Hinweis gibt es nicht.", "There is no such automatic flag."),
    "err.COMMENT_NOT_IN_QUEUE": (
        "Diesen Kommentar gibt es in der Moderation nicht.",
        "There is no such comment in moderation.",
    ),
    "err.COMMENT_ERASED": (
        "Die Person hat ihre Daten löschen lassen; der Kommentar ist gelöscht.",
        "Its author had their data erased; the comment is gone.",
    ),
    "err.COMMENT_WITHDRAWN": (
        "Die Person hat den Kommentar zurückgezogen.",
        "Its author withdrew the comment.",
    ),
    "err.COMMENT_ALREADY_DECIDED": (
        "Über diesen Kommentar ist schon entschieden.",
        "This comment has already been decided.",
    ),
    "err.COMMENT_ALREADY_HIDDEN": ("Der Kommentar ist schon ausgeblendet.", "The comment is hidden already."),
    "err.COMMENT_NOT_PUBLISHED": (
        "Der Kommentar ist nicht (mehr) veröffentlicht.",
        "The comment is not published (any more).",
    ),
    "err.CLAIMED_BY_OTHER": (
        "Eine andere Person aus der Moderation bearbeitet diesen Kommentar gerade.",
        "Another moderator is working on this comment right now.",
    ),
    "err.DECISION_UNKNOWN": ("Diese Entscheidung gibt es nicht.", "There is no such decision."),
    "err.REASON_REQUIRED": (
        "Bitte wählen Sie einen Grund aus der Netiquette.",
        "Please choose a reason from the netiquette.",
    ),
    "err.REASON_UNKNOWN": (
        "Diesen Grund gibt es in der Netiquette nicht.",
        "The netiquette has no such reason.",
    ),
    "err.REASON_NOT_ALLOWED": (
        "Diese Entscheidung nimmt keinen Grund an.",
        "This decision takes no reason.",
    ),
    "err.NOTE_INVALID_CHARACTERS": (
        "Die Notiz enthält Steuer-, unsichtbare oder die Schreibrichtung ändernde Zeichen.",
        "The note contains control, invisible or direction-changing characters.",
    ),
    "err.NOTE_TOO_LONG": (
        "Die Notiz ist zu lang (höchstens 1000 Zeichen).",
        "The note is too long (1000 characters at most).",
    ),
    "err.BULK_SIZE": (
        "Bitte wählen Sie mindestens einen und höchstens 100 Kommentare aus.",
        "Please select at least one and at most 100 comments.",
    ),
    "err.BULK_REFUSED": (
        "Nichts wurde freigegeben: Mindestens einer der ausgewählten Kommentare kann nicht "
        "freigegeben werden (schon entschieden, zurückgezogen oder von jemand anderem übernommen).",
        "Nothing was approved: at least one of the selected comments cannot be approved (decided "
        "already, withdrawn, or claimed by someone else).",
    ),
    "err.NO_OPEN_REPORTS": (
        "Zu diesem Kommentar gibt es keine offenen Meldungen mehr.",
        "This comment has no open reports any more.",
    ),
}
