"""A small client for clamd (ClamAV's daemon) over its UNIX socket: ``zINSTREAM`` and ``zVERSION``.

The protocol as used here: docs/uploads.md#virus-scanning
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ScanResult", "ScannerUnavailable", "scan_file", "version"]

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """clamd could not be reached or could not scan the file."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    #: The name of what clamd found, when it found something.
    signature: str = ""


def _connect(socket_path: str, timeout: float) -> socket.socket:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect(socket_path)
    except OSError as error:
        connection.close()
        raise ScannerUnavailable(f"cannot connect to clamd: {error.strerror or error}") from None
    return connection


def _reply(connection: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0") and len(data) < MAX_REPLY_BYTES:
        chunk = connection.recv(MAX_REPLY_BYTES)
        if not chunk:
            break
        data += chunk
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def _send_file(connection: socket.socket, path: Path) -> None:
    connection.sendall(b"zINSTREAM\0")
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            connection.sendall(struct.pack("!L", len(chunk)) + chunk)
    connection.sendall(struct.pack("!L", 0))


def parse_scan_reply(reply: str) -> ScanResult:
    """``stream: OK`` -> clean; ``stream: Name FOUND`` -> infected; anything else -> error."""
    body = reply.partition(": ")[2] if ": " in reply else reply
    if body == "OK":
        return ScanResult(clean=True)
    if body.endswith(" FOUND"):
        return ScanResult(clean=False, signature=body.removesuffix(" FOUND").strip())
    raise ScannerUnavailable(f"clamd could not scan the file: {reply or 'no answer'}")


def scan_file(socket_path: str, path: Path, *, timeout: float = 30) -> ScanResult:
    """Send the file at ``path`` to clamd and return its verdict."""
    connection = _connect(socket_path, timeout)
    try:
        try:
            _send_file(connection, path)
        except BrokenPipeError:
            pass  # clamd stops reading when a stream is over its limit; its reply says so
        return parse_scan_reply(_reply(connection))
    except OSError as error:
        raise ScannerUnavailable(f"clamd did not answer: {error.strerror or error}") from None
    finally:
        connection.close()


def version(socket_path: str, *, timeout: float = 2) -> str:
    """clamd's version line (``ClamAV 1.0.3/27123/...``); raises if it does not answer."""
    connection = _connect(socket_path, timeout)
    try:
        connection.sendall(b"zVERSION\0")
        answer = _reply(connection)
    except OSError as error:
        raise ScannerUnavailable(f"clamd did not answer: {error.strerror or error}") from None
    finally:
        connection.close()
    if not answer:
        raise ScannerUnavailable("clamd did not answer")
    return answer


def status(socket_path: str | None) -> tuple[str, str]:
    """("off" | "on" | "failing", clamd's version line or why it did not answer)."""
    if not socket_path:
        return "off", ""
    try:
        return "on", version(socket_path)
    except ScannerUnavailable as error:
        return "failing", str(error)
