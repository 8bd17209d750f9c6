"""The forum's own mail server in tests: aiosmtpd on loopback that hands each message sent to
a reply address to the real ``flask --app wsgi forum receive-email`` command, as Postfix's pipe
transport does, and answers the SMTP client by the command's exit code (0: 250, 75: 451,
anything else: 550). Answers the forum sends go to a second server (``smtp_server``).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.mail_server import _free_port

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Piped:
    recipient: str
    exit_code: int
    outcome: str
    errors: str


@dataclass
class ReplyMX:
    host: str
    port: int
    env: dict[str, str]
    piped: list[Piped] = field(default_factory=list)

    @property
    def outcomes(self) -> list[str]:
        return [p.outcome for p in self.piped]


class _PipeHandler:
    def __init__(self, mx: ReplyMX) -> None:
        self.mx = mx

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        codes = [await self._pipe(envelope.content, rcpt) for rcpt in envelope.rcpt_tos]
        if all(code == 0 for code in codes):
            return "250 2.0.0 Delivered to the forum"
        if 75 in codes:
            return "451 4.3.0 Try again later"
        return "550 5.6.0 Refused by the forum"

    async def _pipe(self, content: bytes, recipient: str) -> int:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "forum", "receive-email"]
        process = await asyncio.create_subprocess_exec(
            *command,
            "--recipient",
            recipient,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=ROOT,
            env=self.mx.env,
        )
        out, err = await process.communicate(content)
        code = process.returncode or 0
        self.mx.piped.append(Piped(recipient, code, out.decode().strip(), err.decode()))
        return code


def command_env(app: Any, database_url: str, answers_to: Any) -> dict[str, str]:
    """What the command runs with: the test's database, keys and mail server for answers."""
    cfg = app.config
    return {
        **os.environ,
        "FORUM_CONFIG": "config.TestingConfig",
        "FORUM_DATABASE_URL": database_url,
        "FORUM_REPLY_DOMAIN": cfg["REPLY_DOMAIN"],
        "FORUM_BASE_URL": cfg["BASE_URL"],
        "FORUM_UPLOAD_FOLDER": cfg["UPLOAD_FOLDER"],
        "FORUM_MAIL_SERVER": answers_to.host,
        "FORUM_MAIL_PORT": str(answers_to.port),
        "FORUM_MAIL_DELIVERY": "inline",
    }


@contextmanager
def running_reply_mx(env: dict[str, str]) -> Iterator[ReplyMX]:
    mx = ReplyMX(host="127.0.0.1", port=_free_port(), env=env)
    controller = Controller(_PipeHandler(mx), hostname=mx.host, port=mx.port)
    controller.start()
    try:
        yield mx
    finally:
        controller.stop()
