"""The one Redis connection pool per app, when ``REDIS_URL`` is set."""

from __future__ import annotations

import logging

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

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


def redis_state(client: Redis) -> str:
    """``ok``, or ``unavailable`` (logged) when Redis does not answer a PING."""
    try:
        client.ping()
    except RedisError as error:
        log.warning("Redis unavailable (%s)", type(error).__name__)
        return "unavailable"
    return "ok"
