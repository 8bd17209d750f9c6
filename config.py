"""Settings. Every value can be overridden by an environment variable ``FORUM_<NAME>``.

Values given as ``FORUM_*`` are JSON-parsed when they can be (``true``, ``25``, ``["a"]``),
so any Flask or extension setting can be set without code, for example
``FORUM_WTF_CSRF_ENABLED=false`` or ``FORUM_RATELIMIT_ENABLED=false`` for a load test.
"""

from __future__ import annotations

from datetime import timedelta


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY: str | None = None
    #: Empty means "SQLite file in the instance folder" (resolved by the app factory).
    DATABASE_URL: str = ""
    REDIS_URL: str = ""
    BASE_URL: str = "http://127.0.0.1:5000"
    #: The forum's name until an admin saves the site settings (/admin/settings), which win.
    SITE_NAME: str = "GP Cancer Leads Forum"
    #: Seconds each process keeps the site settings before reading them again
    #: (forum/queries/site.py): the longest a change takes to reach every worker.
    SITE_SETTINGS_CACHE_SECONDS = 10

    #: ``hide_parameters``: an SQL error's message (which may be logged) never carries the
    #: values sent, such as a post's text.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    SQLALCHEMY_RECORD_QUERIES = False
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; avoids losing a long-typed reply

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_POSTING = "20 per minute;300 per hour"
    RATELIMIT_SEARCH = "30 per minute;600 per hour"
    #: Feed readers poll: per client address, enough for several readers behind one office.
    RATELIMIT_FEEDS = "60 per minute;1000 per hour"

    # Compression (Flask-Compress): the stylesheets and scripts, which hold no secrets. Pages
    # are sent as they are: a compressed page that echoes what a visitor sent beside a CSRF
    # token lets an eavesdropper guess the token from the sizes (BREACH).
    COMPRESS_MIMETYPES = ["text/css", "text/javascript", "application/javascript", "image/svg+xml"]
    COMPRESS_STREAMS = True  # static files are sent as streams

    # Search (forum/search/, docs/search.md)
    SEARCH_RESULTS_PER_PAGE = 20
    #: Newest matching posts (and titles) ranked per search: bounds the work of broad queries.
    SEARCH_CANDIDATE_LIMIT = 300
    # Search thesaurus and "did you mean" (issue 27, docs/search.md#the-thesaurus): expand
    # searches with /admin/search-terms; suggest a correction when a search finds nothing.
    SEARCH_THESAURUS = True
    SEARCH_SUGGEST = True

    #: argon2id cost; lowered only in tests.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    THREADS_PER_PAGE = 25
    POSTS_PER_PAGE = 20
    #: Threads never opened count as unread for this many days after their last post
    #: (forum/queries/listings.py, new_since); threads a member opened stay unread until read.
    UNREAD_WINDOW_DAYS = 30
    #: Rendered posts kept per worker process (forum/cards/posts.py); 0 turns the cache off.
    POST_FRAGMENT_CACHE_SIZE = 1000
    #: Rendered thread-list rows kept per worker process (forum/cards/threads.py); 0: off.
    THREAD_ROW_CACHE_SIZE = 1000
    TITLE_MAX_LENGTH = 200
    BODY_MAX_LENGTH = 60_000

    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "forum@localhost"
    EMAIL_DELAY_MINUTES = 10
    #: Moderation: hold a new member's first N posts for a moderator's approval (0: none).
    MODERATION_HOLD_FIRST_POSTS = 0
    #: Days the audit log keeps a deleted member's name, username and address (who did what,
    #: for complaints and incident reviews); then the worker replaces them.
    LEAVER_AUDIT_DAYS = 730
    STAFF_2FA_REQUIRED = True
    #: Port 465 style implicit TLS (MAIL_USE_TLS is STARTTLS).
    MAIL_USE_SSL = False
    MAIL_TIMEOUT_SECONDS = 30
    #: Who sends queued mail: "worker" (``forum worker``, within WORKER_POLL_SECONDS) or
    #: "inline" (the committing process, before ``commit()`` returns; tests).
    MAIL_DELIVERY = "worker"
    #: Without MAIL_SERVER messages are logged; also log their bodies (development only).
    MAIL_LOG_BODY = False
    MAIL_MAX_ATTEMPTS = 8

    # Closed membership
    INVITATION_DAYS = 28
    #: Join requests from these email domains are approved at once (the emailed
    #: set-password link still verifies the address), e.g. ["nhs.net"].
    AUTO_APPROVE_DOMAINS: list[str] | str = []
    RATELIMIT_LOGIN_ACCOUNT = "5 per minute;30 per hour"
    RATELIMIT_ACCOUNT_EMAIL = "5 per minute;20 per hour"
    RATELIMIT_TWO_FACTOR = "10 per minute;30 per hour"
    #: How often each ``forum worker`` runs its jobs (forum/jobs/worker.py), in seconds.
    WORKER_POLL_SECONDS = 5

    # Attachments and the resource library (docs/uploads.md)
    #: Where uploaded files live; empty means ``instance/uploads``. Never under ``static/``.
    UPLOAD_FOLDER = ""
    #: Largest file accepted (the whole request may be up to MAX_CONTENT_LENGTH).
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    #: Office documents (ZIP inside): refuse more unpacked bytes, members or compression.
    UPLOAD_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
    UPLOAD_MAX_ZIP_MEMBERS = 2000
    UPLOAD_MAX_COMPRESSION_RATIO = 100
    #: Images with more pixels than this are refused (decompression bombs).
    UPLOAD_MAX_IMAGE_PIXELS = 40_000_000
    #: Path of clamd's UNIX socket: when set, every upload is virus-scanned before it is kept.
    CLAMD_SOCKET = ""
    CLAMD_TIMEOUT_SECONDS = 30
    #: Uploads never attached to a post are removed by ``forum prune-uploads`` after this.
    UPLOAD_PENDING_HOURS = 48
    #: Slug of the category new library resources are discussed in (the form preselects it).
    LIBRARY_CATEGORY = "education"
    LIBRARY_PER_PAGE = 20
    #: The "due for review" list shows resources whose review date is this close.
    LIBRARY_REVIEW_WINDOW_DAYS = 30

    # Production and reliability (docs/deploy.md)
    #: Proxies in front of the app (nginx: 1) whose X-Forwarded-* headers are believed.
    PROXY_COUNT = 0
    #: "text" (Python's default logging) or "json" (one object per line, with request ids).
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    #: PostgreSQL: give up waiting for a row lock after this long (the request gets a 503),
    #: as SQLITE_BUSY_TIMEOUT_MS does for SQLite.
    DATABASE_LOCK_TIMEOUT_MS = 15_000
    #: PostgreSQL: give up connecting after this many seconds (a restarting server).
    DATABASE_CONNECT_TIMEOUT = 5

    # The confidentiality guard (docs/pii.md)
    #: Key of the salted hashes kept of identifiers the guard found (never the text itself);
    #: empty derives one from SECRET_KEY, so changing either asks members to confirm again.
    PII_SALT = ""
    #: Linked from every confidentiality message.
    CONFIDENTIALITY_GUIDANCE_URL = (
        "https://www.gmc-uk.org/professional-standards/the-professional-standards/confidentiality"
    )
    #: The composer's check as the member types (one request per pause in typing).
    RATELIMIT_PII_CHECK = "60 per minute;1000 per hour"

    # Webhooks (docs/webhooks.md)
    #: Allow targets on private, loopback, link-local and other non-public addresses (a
    #: receiver inside your own network). Off: only public addresses, checked at every send.
    WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    #: Allow loopback addresses alone (127.0.0.0/8, ::1): tests and a receiver on this host.
    WEBHOOKS_ALLOW_LOOPBACK = False
    #: Seconds to wait for a receiver to connect and answer.
    WEBHOOKS_TIMEOUT_SECONDS = 10
    # Programme insight (/insight, docs/insight.md): library downloads are tallied in memory
    # (without Redis) and written once this many have gathered or this many seconds passed.
    INSIGHT_DOWNLOAD_BATCH = 50
    INSIGHT_DOWNLOAD_SECONDS = 300

    # The learning log (docs/learning-log.md)
    #: Exports per client address (a PDF of a long log takes a few seconds to lay out).
    RATELIMIT_LEARNING_EXPORT = "10 per minute;100 per hour"
    # Organisation sign-in: OpenID Connect (docs/organisation-sign-in.md)
    #: A list of providers, each an object: ``name`` (in addresses), ``label`` (the button),
    #: ``issuer``, ``client_id``, ``client_secret``, ``domains`` (the email domains it may vouch
    #: for), and optionally ``auto_approve`` (new members join at once), ``trust_mfa`` (its
    #: multi-factor claim satisfies the staff two-factor rule), ``mfa_acr_values``,
    #: ``email_verified_claims`` and ``end_session`` (false: sign out of the forum only).
    OIDC_PROVIDERS: list[dict] = []
    #: Seconds of clock difference allowed when checking an ID token's expiry.
    OIDC_CLOCK_SKEW_SECONDS = 60
    #: Seconds to wait for the provider (discovery, keys, the token endpoint).
    OIDC_TIMEOUT_SECONDS = 10
    # Reply by email (docs/reply-by-email.md)
    #: Domain of the reply addresses (``reply+TOKEN@REPLY_DOMAIN``); empty: no Reply-To, no
    #: reply links, and ``receive-email``/``poll-mailbox`` accept nothing.
    REPLY_DOMAIN = ""
    #: Local part before the ``+``: ``reply`` gives ``reply+TOKEN@REPLY_DOMAIN``.
    REPLY_LOCAL_PART = "reply"
    #: Days a reply address works after the email that carried it was sent.
    REPLY_TOKEN_DAYS = 30
    #: Largest message ``receive-email`` reads (attachments included).
    REPLY_MAX_BYTES = 25 * 1024 * 1024
    #: Answers about refused replies a member gets per day at most (a loop stops here).
    REPLY_ANSWERS_PER_DAY = 5
    #: ``forum poll-mailbox``: the IMAP mailbox replies are delivered to.
    IMAP_HOST = ""
    IMAP_PORT = 993
    IMAP_SSL = True
    IMAP_USER = ""
    IMAP_PASSWORD = ""
    IMAP_FOLDER = "INBOX"
    IMAP_TIMEOUT_SECONDS = 30


class DevelopmentConfig(Config):
    SECRET_KEY = "dev-only-not-secret"
    STAFF_2FA_REQUIRED = False
    MAIL_LOG_BODY = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    STAFF_2FA_REQUIRED = False
    SERVER_NAME = None
    MAIL_DELIVERY = "inline"
    WEBHOOKS_ALLOW_LOOPBACK = True


class ProductionConfig(Config):
    REQUIRE_DATABASE_URL = True
    LOG_FORMAT = "json"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
