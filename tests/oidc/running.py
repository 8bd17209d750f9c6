"""The real OpenID provider the organisation sign-in tests use: ``oidc-provider`` from npm,
run by node from tests/oidc/provider.mjs on a free loopback port.

Missing node or the package fails the test (``npm ci`` installs the package): these tests
are never skipped. ``walk_provider`` goes through the provider's own sign-in and consent
pages with a real HTTP client, as a person at a browser would.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
SCRIPT = HERE / "provider.mjs"
PACKAGE = REPO_ROOT / "node_modules" / "oidc-provider" / "package.json"
FIRST_PORT = 5425
SECRET = "loopback-client-secret-not-used-elsewhere"
#: The provider's people: login name -> the claims it gives about them.
ACCOUNTS = {
    "new-gp": {"email": "nia.okafor@nhs.net", "email_verified": True, "name": "Dr Nia Okafor"},
    "existing": {"email": "Sam.Patel@nhs.net", "email_verified": True, "name": "Sam Patel"},
    "staff-mfa": {"email": "mod@nhs.net", "email_verified": True, "amr": ["pwd", "mfa"]},
    "staff-pwd": {"email": "mod@nhs.net", "email_verified": True, "amr": ["pwd"]},
    "unverified": {"email": "unverified@nhs.net", "email_verified": False},
    "elsewhere": {"email": "someone@gmail.com", "email_verified": True},
    "no-email": {"name": "No Address"},
}


@dataclass
class RunningProvider:
    issuer: str
    port: int


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail(
            "node is not installed: organisation sign-in is tested against a real "
            "OpenID provider that runs on node",
            pytrace=False,
        )
    if not PACKAGE.exists():
        pytest.fail("the npm package oidc-provider is missing: run `npm ci`", pytrace=False)
    return found


def free_port(start: int = FIRST_PORT) -> int:
    """The first loopback port from ``start`` that nothing listens on. Each pytest-xdist worker
    looks in a range of its own (gw1 a thousand higher than gw0), and so does a PostgreSQL run,
    so two providers starting at once never pick the same port."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    start += 1000 * int(worker.removeprefix("gw") or 0)
    # A PostgreSQL run (if run beside the SQLite one) looks 500 higher again.
    start += 500 if os.environ.get("FORUM_TEST_DATABASE_URL") else 0
    for port in range(start, start + 400):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port")


@contextmanager
def running_provider(
    *,
    clients: list[dict[str, Any]],
    accounts: dict[str, dict[str, Any]],
    audiences: dict[str, str] | None = None,
    clock_offset_seconds: int = 0,
    id_token_ttl: int | None = None,
    port: int | None = None,
    log: Path | None = None,
) -> Iterator[RunningProvider]:
    """Start the provider; stop it afterwards. ``port`` again later is a key rotation."""
    port = port or free_port()
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_ACCOUNTS": json.dumps(accounts),
        "OIDC_ID_TOKEN_AUDIENCES": json.dumps(audiences or {}),
        "OIDC_CLOCK_OFFSET_SECONDS": str(clock_offset_seconds),
        "OIDC_ID_TOKEN_TTL": str(id_token_ttl or ""),
    }
    log_path = log or Path("/dev/null")
    with open(log_path, "w") as errors:
        process = subprocess.Popen(
            [node(), str(SCRIPT)], cwd=REPO_ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=errors,
        )  # fmt: skip
        try:
            line = process.stdout.readline() if process.stdout else ""
            if not line.startswith("ready "):
                process.kill()
                pytest.fail(f"the OpenID provider did not start: {line!r}", pytrace=False)
            yield RunningProvider(issuer=line.split()[1], port=port)
        finally:
            process.terminate()
            process.wait(timeout=10)


def client_registration(client_id: str, base_url: str, *names: str) -> dict[str, Any]:
    """A confidential client whose redirect addresses are the forum's callbacks."""
    return {
        "client_id": client_id,
        "client_secret": SECRET,
        "redirect_uris": [f"{base_url}/login/org/{name}/callback" for name in names],
        "post_logout_redirect_uris": [f"{base_url}/login"],
    }


def forum_provider(name: str, issuer: str, client_id: str = "forum", **extra: Any) -> dict:
    """One entry of FORUM_OIDC_PROVIDERS for the running provider."""
    return {
        "name": name,
        "label": extra.pop("label", "NHSmail"),
        "issuer": issuer,
        "client_id": client_id,
        "client_secret": SECRET,
        "domains": extra.pop("domains", ["nhs.net"]),
        **extra,
    }


def _form(page: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form[^>]*action="([^"]+)"', page)
    if action is None:
        raise AssertionError(f"no form on the provider's page:\n{page[:2000]}")
    return html.unescape(action.group(1)), {}


def walk_provider(
    start_url: str, login: str, issuer: str, http: requests.Session | None = None
) -> str:
    """Follow the provider's pages from ``start_url`` as ``login`` (sign in, consent) and
    return the address it sends the browser back to."""
    http = http or requests.Session()
    url = start_url
    for _ in range(20):
        if not url.startswith(issuer):
            return url
        response = http.get(url, allow_redirects=False, timeout=10)
        if not response.is_redirect:
            action, _ = _form(response.text)
            fields = (
                {"prompt": "login", "login": login, "password": "any"}
                if 'name="login"' in response.text
                else {"prompt": "consent"}
            )
            response = http.post(
                urljoin(url, action), data=fields, allow_redirects=False, timeout=10
            )
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the provider never sent the browser back")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
