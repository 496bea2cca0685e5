"""Every string of the web pages, German first and English second, and the language choice.

`?lang=en` (or `?lang=de`) picks a language and a cookie keeps it; without either, German.
"""

from __future__ import annotations

from collections.abc import Callable

from radar_gateway.web.texts_citizen import CITIZEN_TEXTS
from radar_gateway.web.texts_public import PUBLIC_TEXTS
from radar_gateway.web.texts_staff import STAFF_TEXTS

LANGUAGES = ("de", "en")
LANG_COOKIE = "radar_lang"
Translate = Callable[..., str]

TEXTS: dict[str, tuple[str, str]] = {
    # frame
    "site.name": ("Digitalisierungsradar", "Digitalisation Radar"),
    "site.tagline": (
        "Die Maßnahmen der Digitalisierungsstrategie auf einen Blick",
        "The measures of the digitalisation strategy at a glance",
    ),
    "skip": ("Zum Inhalt springen", "Skip to content"),
    "nav.main": ("Hauptnavigation", "Main navigation"),
    "nav.radar": ("Radar", "Radar"),
    "nav.editor": ("Redaktion", "Editing"),
    "nav.moderation": ("Moderation", "Moderation"),
    "nav.my_contributions": ("Meine Beiträge", "My contributions"),
    "nav.login": ("Anmelden", "Log in"),
    "nav.logout": ("Abmelden", "Log out"),
    "nav.signed_in": ("Angemeldet als {email}", "Signed in as {email}"),
    "lang.other": ("English", "Deutsch"),
    "lang.other_code": ("en", "de"),
    "lang.switch": ("Sprache wechseln", "Change language"),
    "footer.feed": ("Alle Änderungen als Atom-Feed", "All changes as an Atom feed"),
    "footer.netiquette": ("Netiquette", "Netiquette"),
    "footer.transparency": ("Transparenz der Moderation", "Moderation in figures"),
    "footer.api": ("Offene Schnittstelle (JSON)", "Open interface (JSON)"),
    "footer.label": ("Fußzeile", "Footer"),
    "unknown": ("unbekannt", "unknown"),
    "none": ("keine", "none"),
    # statuses
    "status.in_umsetzung": ("In Umsetzung", "In progress"),
    "status.geplant": ("Geplant", "Planned"),
    "status.abgeschlossen": ("Abgeschlossen", "Completed"),
    "status.eingestellt": ("Eingestellt", "Discontinued"),
    "status.unbekannt": ("Status unbekannt", "Status unknown"),
    # the radar page
    "radar.heading": (
        "Digitalisierungs\u00adradar",
        "Digitalisation radar",
    ),  # soft hyphen for narrow screens
    "radar.intro": (
        "Jeder Punkt ist eine Maßnahme der Digitalisierungsstrategie. Die Segmente sind die "
        "Handlungsfelder, die Ringe zeigen den Stand der Umsetzung.",
        "Every point is a measure of the digitalisation strategy. The segments are the fields of "
        "action; the rings show how far each measure has come.",
    ),
    "radar.svg_title": ("Radar der Maßnahmen", "Radar of the measures"),
    "radar.svg_desc": (
        "{n} Maßnahmen in {fields} Handlungsfeldern. Jedes Segment ist ein Handlungsfeld, jeder Ring "
        "ein Status, von innen nach außen: {rings}. Jeder Punkt ist ein Link zur Maßnahme; dieselben "
        "Maßnahmen stehen in der Liste unter dem Radar.",
        "{n} measures in {fields} fields of action. Each segment is a field of action and each ring a "
        "status, from the centre outwards: {rings}. Each point links to its measure; the same "
        "measures are listed below the radar.",
    ),
    "radar.skip_to_list": ("Radar überspringen und zur Liste", "Skip the radar, go to the list"),
    "radar.legend": ("Legende", "Legend"),
    "radar.rings": ("Ringe von innen nach außen", "Rings from the centre outwards"),
    "radar.core_areas": ("Kernbereiche", "Core areas"),
    "radar.list_heading": ("Maßnahmen nach Handlungsfeld", "Measures by field of action"),
    "radar.count_filtered": (
        "{n} von {total} Maßnahmen passen zu den Filtern.",
        "{n} of {total} measures match the filters.",
    ),
    "radar.count_filtered.one": (
        "1 von {total} Maßnahmen passt zu den Filtern.",
        "1 of {total} measures matches the filters.",
    ),
    "radar.count_all": ("{n} Maßnahmen", "{n} measures"),
    "radar.count_all.one": ("1 Maßnahme", "1 measure"),
    "radar.none": ("Keine Maßnahme passt zu diesen Filtern.", "No measure matches these filters."),
    "radar.field_count": ("{n} Maßnahmen", "{n} measures"),
    "radar.field_count.one": ("1 Maßnahme", "1 measure"),
    # filters
    "filter.heading": ("Filtern und suchen", "Filter and search"),
    "filter.q": ("Suchbegriff", "Search term"),
    "filter.field": ("Handlungsfeld", "Field of action"),
    "filter.status": ("Status", "Status"),
    "filter.lead": ("Federführung", "Lead department"),
    "filter.principle": ("Strategisches Prinzip", "Strategic principle"),
    "filter.year": ("Läuft im Jahr", "Running in year"),
    "filter.any": ("alle", "all"),
    "filter.apply": ("Anwenden", "Apply"),
    "filter.reset": ("Alle Filter zurücksetzen", "Reset all filters"),
    # field and core area pages
    "field.kicker": ("Handlungsfeld", "Field of action"),
    "field.core_area": ("Kernbereich: {name}", "Core area: {name}"),
    "field.focus_areas": ("Handlungsschwerpunkte", "Focus areas"),
    "field.goals": ("Ziele", "Goals"),
    "field.media": ("Medien", "Media"),
    "media.video": ("Video", "video"),
    "media.blog": ("Blog", "blog"),
    "media.link": ("Link", "link"),
    "field.counts": ("Stand der Maßnahmen", "State of the measures"),
    "field.count_of": ("{n} von {total}", "{n} of {total}"),
    "field.measures": ("Alle Maßnahmen", "All measures"),
    "field.no_measures": ("Hier gibt es noch keine Maßnahmen.", "There are no measures here yet."),
    "field.on_radar": ("Nur dieses Handlungsfeld im Radar zeigen", "Show only this field on the radar"),
    "core.kicker": ("Kernbereich", "Core area"),
    "core.fields": ("Handlungsfelder", "Fields of action"),
    # measure page
    "measure.kicker": ("Maßnahme", "Measure"),
    "measure.facts": ("Steckbrief", "Facts"),
    "measure.field": ("Handlungsfeld", "Field of action"),
    "measure.goals": ("Ziele", "Goals"),
    "measure.status": ("Status", "Status"),
    "measure.period": ("Zeitraum", "Period"),
    "measure.progress": ("Fortschritt", "Progress"),
    "measure.progress_text": ("{n} % umgesetzt", "{n}% done"),
    "measure.lead": ("Federführung", "Lead department"),
    "measure.principles": ("Strategische Prinzipien", "Strategic principles"),
    "measure.links": ("Weitere Informationen", "More information"),
    "measure.updated": ("Zuletzt geändert", "Last changed"),
    "measure.description": ("Beschreibung", "Description"),
    "measure.archived": ("Diese Maßnahme ist archiviert.", "This measure is archived."),
    "measure.unsure": ("nicht bestätigt", "not confirmed"),
    "measure.history": ("Änderungsverlauf", "Change history"),
    "measure.history_none": ("Noch keine Änderungen.", "No changes yet."),
    "measure.history_feed": (
        "Änderungen dieser Maßnahme als Atom-Feed",
        "Changes of this measure as an Atom feed",
    ),
    "measure.version": ("Version {n}", "Version {n}"),
    "history.published": ("Veröffentlicht", "Published"),
    "history.updated": ("Geändert", "Changed"),
    "history.archived": ("Archiviert", "Archived"),
    "history.note": ("Änderungsnotiz", "Change note"),
    "history.change": ("{field}: von „{old}“ auf „{new}“", "{field}: from “{old}” to “{new}”"),
    "measure.rating": ("Bewertung", "Rating"),
    "measure.comments": ("Kommentare", "Comments"),
    "measure.comments_none": ("Noch keine veröffentlichten Kommentare.", "No published comments yet."),
    "measure.comments_unavailable": (
        "Die Kommentare können gerade nicht geladen werden.",
        "The comments cannot be loaded right now.",
    ),
    "measure.comment_published": ("Veröffentlicht am {date}", "Published on {date}"),
    "measure.comment_new": ("Kommentar schreiben", "Write a comment"),
    "measure.comment_label": ("Ihr Kommentar", "Your comment"),
    "measure.comment_hint": (
        "Jeder Kommentar wird vor der Veröffentlichung moderiert. Bitte schreiben Sie keine "
        "persönlichen Daten wie E-Mail-Adressen oder Telefonnummern.",
        "Every comment is moderated before it is published. Please do not write personal data such "
        "as e-mail addresses or phone numbers.",
    ),
    "measure.comment_submit": ("Kommentar senden", "Send comment"),
    "measure.subscribe": ("Benachrichtigungen", "Notifications"),
    "measure.subscribe_soon": (
        "Benachrichtigungen per E-Mail folgen bald. Bis dahin gibt es den Atom-Feed.",
        "E-mail notifications are coming soon. Until then, there is the Atom feed.",
    ),
    # notices after a redirect (chosen by a fixed key, never by text from the query string)
    "notice.comment_pending": (
        "Ihr Kommentar wartet auf Moderation.",
        "Your comment is waiting for moderation.",
    ),
    "notice.logged_in": ("Sie sind angemeldet.", "You are logged in."),
    "notice.logged_out": ("Sie sind abgemeldet.", "You are logged out."),
    "notice.saved": ("Die Änderung ist gespeichert.", "The change is saved."),
    "notice.created": ("Die Maßnahme ist angelegt.", "The measure is created."),
    "notice.archived": ("Die Maßnahme ist archiviert.", "The measure is archived."),
    # log-in
    "login.heading": ("Anmelden für Mitarbeitende", "Staff log-in"),
    "login.intro": (
        "Die Anmeldung ist nur für die Redaktion und die Moderation.",
        "Logging in is only for editors and moderators.",
    ),
    "login.email": ("E-Mail-Adresse", "E-mail address"),
    "login.password": ("Passwort", "Password"),
    "login.submit": ("Anmelden", "Log in"),
    "login.failed": ("E-Mail-Adresse oder Passwort ist falsch.", "E-mail address or password is wrong."),
    "login.blocked": (
        "Zu viele Fehlversuche. Bitte versuchen Sie es in {minutes} Minuten noch einmal.",
        "Too many failed attempts. Please try again in {minutes} minutes.",
    ),
    "logout.heading": ("Abmelden", "Log out"),
    "logout.question": ("Möchten Sie sich abmelden?", "Do you want to log out?"),
    # editor
    "editor.heading": ("Redaktion", "Editing"),
    "editor.new": ("Neue Maßnahme anlegen", "Create a measure"),
    "editor.measures": ("Maßnahmen", "Measures"),
    "editor.edit": ("Bearbeiten", "Edit"),
    "editor.archived": ("archiviert", "archived"),
    "editor.edit_heading": ("Maßnahme bearbeiten: {title}", "Edit measure: {title}"),
    "editor.view": ("Öffentliche Seite ansehen", "View the public page"),
    "editor.archive": ("Archivieren", "Archive"),
    "editor.archive_heading": ("Maßnahme archivieren: {title}", "Archive measure: {title}"),
    "editor.archive_question": (
        "Archivierte Maßnahmen verschwinden aus dem Radar; ihre Seite und ihr Verlauf bleiben erhalten.",
        "Archived measures leave the radar; their page and history stay.",
    ),
    "editor.archive_confirm": ("Ja, archivieren", "Yes, archive"),
    "form.title": ("Titel", "Title"),
    "form.slug": ("Kurzname in der Adresse (optional)", "Short name in the address (optional)"),
    "form.summary": ("Kurzbeschreibung", "Summary"),
    "form.description": ("Beschreibung", "Description"),
    "form.field": ("Handlungsfeld", "Field of action"),
    "form.goals": ("Ziele", "Goals"),
    "form.status": ("Status", "Status"),
    "form.period": ("Zeitraum", "Period"),
    "form.start_year": ("Startjahr", "Start year"),
    "form.end_year": ("Endjahr", "End year"),
    "form.year_hint": ("Leer lassen, wenn unbekannt.", "Leave empty if unknown."),
    "form.progress": ("Fortschritt in Prozent", "Progress in per cent"),
    "form.progress_hint": ("0 bis 100; leer lassen, wenn unbekannt.", "0 to 100; leave empty if unknown."),
    "form.lead": ("Federführung", "Lead department"),
    "form.principles": ("Strategische Prinzipien", "Strategic principles"),
    "form.change_note": ("Änderungsnotiz (öffentlich)", "Change note (public)"),
    "form.change_note_hint": (
        "Ein kurzer Satz, was sich geändert hat und warum.",
        "A short sentence on what changed and why.",
    ),
    "form.required": ("Pflichtfeld", "required"),
    "form.error_prefix": ("Fehler:", "Error:"),
    "form.slug_hint": (
        "Wird sonst aus dem Titel gebildet und ändert sich danach nie.",
        "Made from the title otherwise; it never changes afterwards.",
    ),
    "form.goals_hint": (
        "Nur die Ziele des gewählten Handlungsfelds werden gespeichert.",
        "Only the goals of the chosen field of action are saved.",
    ),
    "form.links": ("Links", "Links"),
    "form.unsure": ("Unbestätigte Angaben", "Unconfirmed details"),
    "form.save": ("Änderung speichern", "Save the change"),
    "form.create": ("Maßnahme anlegen", "Create the measure"),
    "form.cancel": ("Abbrechen", "Cancel"),
    "form.errors": ("Die Eingabe wurde nicht angenommen:", "The input was not accepted:"),
    # error pages and messages
    "error.not_found": ("Seite nicht gefunden", "Page not found"),
    "error.not_found_text": ("Diese Seite gibt es nicht (mehr).", "This page does not exist (any more)."),
    "error.method": ("Anfrage nicht möglich", "Request not possible"),
    "error.method_text": (
        "Diese Adresse nimmt diese Art von Anfrage nicht an.",
        "This address does not accept this kind of request.",
    ),
    "error.forbidden": ("Kein Zugriff", "No access"),
    "error.forbidden_text": (
        "Für diese Seite fehlt Ihrem Konto die nötige Rolle.",
        "Your account lacks the role this page needs.",
    ),
    "error.unavailable": ("Vorübergehend nicht erreichbar", "Temporarily unavailable"),
    "error.unavailable_text": (
        "Ein Dienst antwortet gerade nicht. Bitte versuchen Sie es gleich noch einmal.",
        "A service is not answering right now. Please try again in a moment.",
    ),
    "error.internal": ("Ein Fehler ist aufgetreten", "Something went wrong"),
    "error.internal_text": (
        "Das lag an uns, nicht an Ihnen. Bitte versuchen Sie es später noch einmal.",
        "That was our fault, not yours. Please try again later.",
    ),
    "error.csrf": (
        "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und senden Sie es noch einmal.",
        "The form has expired. Please reload the page and send it again.",
    ),
    "error.rate_limited": (
        "Zu viele Kommentare in kurzer Zeit. Bitte warten Sie ein wenig.",
        "Too many comments in a short time. Please wait a little.",
    ),
    "error.back_home": ("Zur Startseite", "To the start page"),
    "err.generic": ("Die Eingabe wurde nicht angenommen ({code}).", "The input was not accepted ({code})."),
    # refusals by error code, from the services or from the pages themselves
    "err.CSRF_FAILED": (
        "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und senden Sie es noch einmal.",
        "The form has expired. Please reload the page and send it again.",
    ),
    "err.RATE_LIMITED": (
        "Zu viele Kommentare in kurzer Zeit. Bitte warten Sie ein wenig.",
        "Too many comments in a short time. Please wait a little.",
    ),
    "err.COMMENT_EMPTY": ("Der Kommentar ist leer.", "The comment is empty."),
    "err.COMMENT_TOO_LONG": (
        "Der Kommentar ist zu lang (höchstens 2000 Zeichen).",
        "The comment is too long (2000 characters at most).",
    ),
    "err.COMMENT_INVALID_CHARACTERS": (
        "Der Kommentar enthält Steuer-, unsichtbare oder die Schreibrichtung ändernde Zeichen.",
        "The comment contains control, invisible or direction-changing characters.",
    ),
    "err.MEASURE_CLOSED": (
        "Diese Maßnahme ist archiviert und nimmt keine Kommentare mehr an.",
        "This measure is archived and takes no more comments.",
    ),
    "err.MEASURE_NOT_FOUND": ("Diese Maßnahme gibt es nicht.", "There is no such measure."),
    "err.TITLE_EMPTY": ("Bitte geben Sie einen Titel ein.", "Please enter a title."),
    "err.TITLE_TOO_LONG": (
        "Der Titel ist zu lang (höchstens 200 Zeichen).",
        "The title is too long (200 characters at most).",
    ),
    "err.SUMMARY_TOO_LONG": (
        "Die Kurzbeschreibung ist zu lang (höchstens 1000 Zeichen).",
        "The summary is too long (1000 characters at most).",
    ),
    "err.DESCRIPTION_TOO_LONG": ("Die Beschreibung ist zu lang.", "The description is too long."),
    "err.TEXT_INVALID_CHARACTERS": (
        "Ein Text enthält unsichtbare oder die Schreibrichtung ändernde Zeichen.",
        "A text contains invisible or direction-changing characters.",
    ),
    "err.EMAIL_INVALID": ("Diese E-Mail-Adresse ist nicht gültig.", "This e-mail address is not valid."),
    "err.FIELD_NOT_FOUND": ("Bitte wählen Sie ein Handlungsfeld.", "Please choose a field of action."),
    "err.GOAL_NOT_FOUND": (
        "Ein gewähltes Ziel gehört nicht zu diesem Handlungsfeld.",
        "A chosen goal does not belong to this field of action.",
    ),
    "err.STATUS_UNKNOWN": ("Bitte wählen Sie einen der Status.", "Please choose one of the statuses."),
    "err.PERIOD_INVALID": (
        "Der Zeitraum stimmt nicht: Jahre vierstellig, das Endjahr nicht vor dem Startjahr.",
        "The period is wrong: four-digit years, the end year not before the start year.",
    ),
    "err.PROGRESS_OUT_OF_RANGE": (
        "Der Fortschritt ist eine ganze Zahl von 0 bis 100.",
        "Progress is a whole number from 0 to 100.",
    ),
    "err.LEAD_UNKNOWN": ("Diese Federführung gibt es nicht.", "There is no such lead department."),
    "err.PRINCIPLE_UNKNOWN": (
        "Dieses strategische Prinzip gibt es nicht.",
        "There is no such strategic principle.",
    ),
    "err.CHANGE_NOTE_REQUIRED": (
        "Bitte schreiben Sie eine kurze Änderungsnotiz.",
        "Please write a short change note.",
    ),
    "err.CHANGE_NOTE_TOO_LONG": (
        "Die Änderungsnotiz ist zu lang (höchstens 1000 Zeichen).",
        "The change note is too long (1000 characters at most).",
    ),
    "err.SLUG_INVALID": (
        "Der Kurzname besteht aus Kleinbuchstaben, Ziffern und einzelnen Bindestrichen.",
        "The short name has lower-case letters, digits and single hyphens.",
    ),
    "err.SLUG_TAKEN": (
        "Diesen Kurznamen hat schon eine andere Maßnahme.",
        "Another measure already has this short name.",
    ),
    "err.NOTHING_TO_CHANGE": ("Sie haben nichts geändert.", "You changed nothing."),
    "err.VERSION_CONFLICT": (
        "Jemand hat die Maßnahme inzwischen geändert. "
        "Bitte laden Sie das Formular neu und prüfen Sie die Änderung.",
        "Someone changed the measure in the meantime. Please reload the form and check the change.",
    ),
    "err.MEASURE_ARCHIVED": (
        "Die Maßnahme ist archiviert und kann nicht mehr geändert werden.",
        "The measure is archived and cannot change any more.",
    ),
    "err.LOGIN_REQUIRED": ("Bitte melden Sie sich an.", "Please log in."),
    "err.ROLE_REQUIRED": ("Ihrem Konto fehlt die nötige Rolle.", "Your account lacks the role this needs."),
    "err.VALIDATION_FAILED": (
        "Die Eingabe hat nicht die erwartete Form.",
        "The input does not have the expected form.",
    ),
}
_PARTS = (CITIZEN_TEXTS, PUBLIC_TEXTS, STAFF_TEXTS)
_CLASHES = {
    k for i, a in enumerate((TEXTS, *_PARTS)) for b in _PARTS[i:] if a is not b for k in a.keys() & b.keys()
}
assert not _CLASHES, f"text keys defined twice: {sorted(_CLASHES)}"
for _part in _PARTS:
    TEXTS |= _part


def translator(lang: str) -> Translate:
    """t(key, **values) in this language; an unknown key shows itself, so a gap is visible, not fatal."""
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    table = TEXTS

    def t(key: str, **values: object) -> str:
        if values.get("n") == 1 and f"{key}.one" in table:
            key = f"{key}.one"
        entry = table.get(key)
        if entry is None:
            return key
        return entry[index].format(**values) if values else entry[index]

    return t


def pick_language(query_lang: str | None, cookie_lang: str | None) -> tuple[str, bool]:
    """The page's language and whether the cookie must be (re)set."""
    if query_lang in LANGUAGES:
        return str(query_lang), query_lang != cookie_lang
    if cookie_lang in LANGUAGES:
        return str(cookie_lang), False
    return "de", False
