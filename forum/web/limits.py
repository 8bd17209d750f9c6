"""Rate limits read from settings when a request arrives (settings can change per deployment)."""

from flask import current_app


def posting_limit() -> str:
    """Flask-Limiter limit string for writing posts, threads and resources."""
    return current_app.config["RATELIMIT_POSTING"]
