"""The one Redis connection pool per app, when ``REDIS_URL`` is set."""

from __future__ import annotations

from flask import Flask
from redis import Redis

#: Seconds to wait for Redis before treating it as down (probes, cache reads).
SOCKET_TIMEOUT = 1.0


def redis_for(app: Flask) -> Redis | None:
    """A client sharing the app's pool, or None when the forum runs without Redis."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("forum_redis")
    if client is None:
        client = Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
        )
        app.extensions["forum_redis"] = client
    return client
