"""Real servers for the reliability tests: gunicorn in a subprocess, a member's browser, and a
TCP proxy that plays a database server going down and coming back. Loopback only.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "reliability-tests-only-not-secret"
#: PostgreSQL's application_name for the servers' connections (libpq reads PGAPPNAME).
SERVER_APPLICATION_NAME = "forum-reliability-server"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Bounds on every wait, so a broken server fails a test instead of hanging it.
START_SECONDS = 60
REQUEST_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of an app process: production config, loopback-friendly cookies."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        FORUM_CONFIG="config.Config",
        FORUM_SECRET_KEY=SECRET_KEY,
        FORUM_DATABASE_URL=database_url,
        FORUM_RATELIMIT_ENABLED="false",
        FORUM_MAIL_DELIVERY="worker",
        FORUM_STAFF_2FA_REQUIRED="false",
        FORUM_LOG_FORMAT="json",
        FORUM_LOG_LEVEL="WARNING",
        PGAPPNAME=SERVER_APPLICATION_NAME,
    )
    env.update({f"FORUM_{name.upper()}": value for name, value in settings.items()})
    return env


@dataclass
class Server:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` on a free loopback port."""

    database_url: str
    log_path: Path
    workers: int = 3
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*command, "wsgi:app"],
                cwd=REPO_ROOT,
                env=server_environment(self.database_url, **self.settings),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_serving()
        return self

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log()[-3000:]}")
            try:
                if Browser(self).get("/healthz").status == 200 and len(self.worker_pids()) == (
                    self.workers
                ):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start in {START_SECONDS} s:\n{self.log()[-3000:]}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def stop(self, timeout: float = START_SECONDS) -> int:
        """TERM the master and wait for it; kill it if it will not go."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Browser:
    """A member's browser: keeps its cookies, sends forms, never follows redirects."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, REQUEST_SECONDS)
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            reply = Reply(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read().decode("utf-8", "replace"),
            )
            self._keep_cookies(response.msg.get_all("Set-Cookie") or [])
        finally:
            connection.close()
        return reply

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Reply:
        reply = self.request("GET", path)
        found = CSRF.search(reply.text)
        if found:
            self.csrf = found.group(1)
        return reply

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request("POST", path, form)

    def sign_in(self, email: str, password: str) -> Browser:
        self.get("/login")
        reply = self.post("/login", {"email": email, "password": password})
        assert reply.status == 302, f"sign-in failed: {reply.status} {reply.text[:300]}"
        return self

    def reply_to(self, thread_id: int, body: str, token: str | None = None) -> Reply:
        """Send the reply form, as a fresh page would (a new form token unless given)."""
        token = token or secrets.token_urlsafe(16)
        return self.post(f"/t/{thread_id}/reply", {"body": body, "client_token": token})


class TcpProxy:
    """Forwards a loopback port to a server; ``stop()`` drops it like a server going down."""

    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.target = (host, target_port)
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut every open one."""
        if self.listener is not None:
            _close(self.listener)  # shutdown() wakes the thread blocked in accept()
            self.listener = None
        with self.lock:
            for connection in self.connections:
                _close(connection)
            self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()
