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
    SITE_NAME: str = "GP Cancer Leads Forum"

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
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

    #: argon2id cost; lowered only in tests.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    THREADS_PER_PAGE = 25
    POSTS_PER_PAGE = 20
    TITLE_MAX_LENGTH = 200
    BODY_MAX_LENGTH = 60_000

    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "forum@localhost"
    EMAIL_DELAY_MINUTES = 10
    STAFF_2FA_REQUIRED = True


class DevelopmentConfig(Config):
    SECRET_KEY = "dev-only-not-secret"
    STAFF_2FA_REQUIRED = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    STAFF_2FA_REQUIRED = False
    SERVER_NAME = None


class ProductionConfig(Config):
    REQUIRE_DATABASE_URL = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
