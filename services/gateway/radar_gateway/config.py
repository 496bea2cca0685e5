"""Settings of the gateway."""

from typing import ClassVar

from pydantic import AliasChoices, Field

from radar_gateway.proxies import TrustedProxies
from radar_lib.keys import Purpose, derive_key
from radar_lib.settings import DEV_SECRET, ServiceSettings


class GatewaySettings(ServiceSettings):
    service_name: str = "gateway"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_GATEWAY_DATABASE_URL", "DATABASE_URL")
    )
    session_secret: str = DEV_SECRET
    catalog_url: str = "http://127.0.0.1:8101"
    participation_url: str = "http://127.0.0.1:8102"
    moderation_url: str = "http://127.0.0.1:8103"
    notifications_url: str = "http://127.0.0.1:8104"
    public_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = 64 * 1024
    session_hours: int = 8  # absolute lifetime of a staff session
    session_idle_minutes: int = 30  # a staff session unused for this long ends
    login_failures_allowed: int = 5  # per (account, address), then each failure doubles the wait
    login_address_failures_allowed: int = 20  # per address, over all e-mails (password spraying)
    login_window_seconds: int = 900  # failures are forgotten this long after the last; the longest wait
    login_slowdown_max_seconds: float = 3.0  # an attacked account's attempts wait at most this long
    password_checks_at_once: int = 2  # argon2 checks per process
    password_checks_waiting: int = 16  # more log-ins than this waiting for a check get 503
    # rate limits per participant; per address hash ADDRESS_FACTOR (6) times as much (limits.py)
    comments_per_window: int = 10
    comment_window_seconds: int = 600
    ratings_per_window: int = 30
    rating_window_seconds: int = 600
    reports_per_window: int = 10
    report_window_seconds: int = 3600
    reports_per_comment_per_window: int = 20  # over all participants, in the report window
    subscriptions_per_window: int = 5  # subscriptions and comment watches, per address only
    subscription_window_seconds: int = 3600
    mail_dir: str = ""  # development only (`radar up`): the SMTP sink's folder, shown at /dev/mail
    locale_dir: str = ""  # gettext catalogs: <dir>/<code>/LC_MESSAGES/messages.po; "": web/locale
    forward_timeout_seconds: float = 10.0
    redis_request_timeout_seconds: float = 1.0  # a request-path Redis call gives up after about twice this
    trusted_proxies: TrustedProxies = ()  # whose X-Forwarded-For counts: addresses or CIDRs (proxies.py)
    legal_texts_file: str = ""  # the city's imprint and privacy facts, a JSON file (web/legal.py)
    page_cache_entries: int = 2000  # rendered public pages kept per process (web/page_cache.py); 0: none
    page_cache_seconds: float = 300.0  # a kept page is rendered anew at the latest after this long
    blips_at_most: int = Field(default=150, ge=1)  # more measures: a blip per field and ring (web/pages.py)
    list_page_size: int = Field(default=100, ge=1, le=100)  # measures per page of the radar's list
    thread_page_size: int = Field(default=50, ge=1, le=100)  # top-level comments per page of a thread

    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("internal_token_secret", "session_secret")

    @property
    def secure_cookies(self) -> bool:
        return not self.is_development

    # Keys derived from the session secret, one per purpose (radar_lib.keys): never the secret itself.
    @property
    def participant_cookie_key(self) -> bytes:
        return derive_key(self.session_secret, Purpose.PARTICIPANT_COOKIE)

    @property
    def form_token_key(self) -> bytes:
        return derive_key(self.session_secret, Purpose.FORM_TOKEN)

    @property
    def session_id_key(self) -> bytes:
        return derive_key(self.session_secret, Purpose.SESSION_ID)

    @property
    def address_hash_key(self) -> bytes:
        return derive_key(self.session_secret, Purpose.ADDRESS_HASH)
