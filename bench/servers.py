"""gunicorn servers for bench/run.py: start, wait, sign in, and read the workers' memory."""

from __future__ import annotations

import ctypes
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
WORKERS = 2
SECRET = "bench-only-not-secret"


def forum_environment(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FORUM_CONFIG": "config.Config",
        "FORUM_SECRET_KEY": SECRET,
        "FORUM_DATABASE_URL": url,
        "FORUM_WTF_CSRF_ENABLED": "false",
        "FORUM_RATELIMIT_ENABLED": "false",
        "FORUM_MAIL_DELIVERY": "worker",
        "FORUM_LOG_LEVEL": "WARNING",
    }


def flask_command(env: dict[str, str], *args: str) -> str:
    """Run ``flask --app wsgi ARGS`` with ``env``; its output, or exit with its error."""
    done = subprocess.run(
        [PYTHON, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def serve(app: str, port: int, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    command = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(WORKERS)]
    command += ["--bind", f"127.0.0.1:{port}", app]
    log.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no instance/ yet
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, preexec_fn=_die_with_parent
        )
    try:
        _wait_for(port, process, log)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)


def _die_with_parent() -> None:
    """In the child before gunicorn starts: Linux sends it TERM if the bench process dies,
    even killed outright, so no server outlives its benchmark."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):  # not Linux: the finally block below still stops it
        pass


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            sys.exit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if (
                http_request(port, "GET", "/healthz")[0] == 200
                and len(worker_pids(process)) == WORKERS
            ):
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"gunicorn did not start:\n{log.read_text()[-3000:]}")


def worker_pids(process: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far (processes gone count 0)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
    return ticks / os.sysconf("SC_CLK_TCK")


def http_request(
    port: int, method: str, path: str, body: str | None = None, cookie: str = ""
) -> tuple[int, http.client.HTTPResponse, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    if cookie:
        headers["Cookie"] = cookie
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, response, text


def sign_in(port: int, email: str) -> str:
    from forum.cli.seeding import DEMO_PASSWORD

    body = urlencode({"email": email, "password": DEMO_PASSWORD})
    status, response, _ = http_request(port, "POST", "/login", body)
    cookies = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        cookies.load(header)
    if status != 302 or "session" not in cookies:
        sys.exit(f"could not sign in as {email} (status {status})")
    return f"session={cookies['session'].value}"


def worker_rss_mb(process: subprocess.Popen) -> list[float]:
    sizes = []
    for pid in worker_pids(process):
        status = Path(f"/proc/{pid}/status").read_text()
        kilobytes = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        sizes.append(round(kilobytes / 1024, 1))
    return sizes
