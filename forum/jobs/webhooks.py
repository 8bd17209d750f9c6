"""Send due webhook deliveries: the ``webhooks`` job of ``forum worker``.

Each delivery is claimed in a short transaction, sent with no transaction open, and its
outcome recorded in another (``forum/services/webhooks/deliveries.py``). The target's
address is checked again before each send and the connection goes to the address checked,
so a DNS change cannot point a registered hook at a private address. Redirects are never
followed (a 3xx answer is a failure), and the answer is waited for only
``WEBHOOKS_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import time
from datetime import datetime

from flask import current_app

from forum.extensions import db
from forum.models import utcnow
from forum.services.webhooks import deliveries, signing
from forum.services.webhooks.addresses import Target, TargetRefused, check_target

log = logging.getLogger(__name__)

#: Bytes of a receiver's answer kept with a failed delivery.
ANSWER_KEPT = 500
USER_AGENT = "forum-webhooks/1"


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name resolves to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def send(claimed: deliveries.Claimed) -> tuple[int | None, str]:
    """POST the delivery; (status code or None, "" on success or what went wrong)."""
    try:
        target = check_target(claimed.url)
    except TargetRefused as refused:
        return None, refused.message
    body = signing.body_of(claimed.payload)
    headers = signing.headers(claimed.secret, claimed.message_id, int(time.time()), body)
    headers["user-agent"] = USER_AGENT
    timeout = float(current_app.config["WEBHOOKS_TIMEOUT_SECONDS"])
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read(ANSWER_KEPT).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"[:500]
    finally:
        connection.close()
    if 200 <= answer.status < 300:
        return answer.status, ""
    if 300 <= answer.status < 400:
        return answer.status, "Redirects are not followed: give the final URL."
    return answer.status, f"HTTP {answer.status}: {text}".strip()


def deliver_webhooks(now: datetime | None = None) -> int:
    """Send every delivery that is due; return how many were delivered."""
    now = now or utcnow()
    delivered = 0
    try:
        with db.session.begin():
            due = deliveries.due_ids(now)
        for delivery_id in due:
            with db.session.begin():
                claimed = deliveries.claim(delivery_id, now)
            if claimed is None:
                continue
            status, error = send(claimed)
            with db.session.begin():
                if error:
                    log.warning("webhook %s failed: %s", claimed.message_id, error)
                    deliveries.record_failure(claimed, status, error, now)
                else:
                    deliveries.record_success(claimed, status or 200, now)
                    delivered += 1
    finally:
        db.session.remove()
    return delivered
