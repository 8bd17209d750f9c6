"""Where a webhook may be sent: public addresses only, unless a setting allows more.

Checked when an admin registers an endpoint and again before every send (a name's DNS
records can change between the two), on every address the name resolves to. The sender then
connects to an address this module approved, never resolving the name a second time.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from forum.errors import ServiceError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A checked target: where to connect, and what to call the host (Host header, SNI)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


class TargetRefused(ServiceError):
    """The URL is malformed, does not resolve, or resolves to an address not allowed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "url")


def parse(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of an http(s) URL without credentials; or refuse it."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise TargetRefused("That is not a valid URL.") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("Give an http:// or https:// URL with a host name.")
    if parts.username or parts.password:
        raise TargetRefused("Leave user names and passwords out of the URL.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def refusal(address: IPAddress, *, allow_private: bool, allow_loopback: bool) -> str | None:
    """Why ``address`` may not receive webhooks, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return None if allow_private or allow_loopback else "a loopback address"
    kinds = (
        ("is_unspecified", "an unspecified address"),
        ("is_multicast", "a multicast address"),
        ("is_link_local", "a link-local address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    )
    for attribute, name in kinds:
        if getattr(address, attribute):
            return None if allow_private and attribute == "is_private" else name
    return None if address.is_global or allow_private else "an address that is not public"


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused(f"The host name {host} does not resolve.") from error
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def check_target(url: str) -> Target:
    """The target to connect to for ``url``, or ``TargetRefused`` naming the reason."""
    scheme, host, port, path = parse(url)
    config = current_app.config
    allow_private = bool(config["WEBHOOKS_ALLOW_PRIVATE_TARGETS"])
    allow_loopback = bool(config["WEBHOOKS_ALLOW_LOOPBACK"])
    addresses = resolve(host, port)
    for address in addresses:
        reason = refusal(address, allow_private=allow_private, allow_loopback=allow_loopback)
        if reason is not None:
            raise TargetRefused(
                f"Webhooks may not be sent to {host}: it is {reason} ({address}). "
                "Only public addresses are allowed."
            )
    return Target(scheme, host, port, path, str(addresses[0]))
