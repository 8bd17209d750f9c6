"""The forum's side of the organisation sign-in tests: a real provider for a module, the
app configured to trust it, and a person going through the provider's pages with a real HTTP
client (tests/oidc/running.py) and bringing its answer back to the forum's test client."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEntry, JoinRequest, LinkedIdentity, User
from forum.web import organisation_sign_in
from tests.oidc.running import (
    ACCOUNTS,
    client_registration,
    forum_provider,
    path_of,
    running_provider,
    walk_provider,
)

BASE = "http://forum.test"


@pytest.fixture(scope="module")
def provider():
    """One provider: the forum's client, and a second client whose ID tokens the provider
    addresses to another site."""
    clients = [
        client_registration("forum", BASE, "nhs", "nhs-auto"),
        client_registration("forum-b", BASE, "misdirected"),
    ]
    with running_provider(
        clients=clients, accounts=ACCOUNTS, audiences={"forum-b": "another-site"}
    ) as running:
        yield running


def configure(app, *entries) -> None:
    app.config["BASE_URL"] = BASE
    app.config["OIDC_PROVIDERS"] = list(entries)
    organisation_sign_in.register(app)


@pytest.fixture
def oidc_app(app, provider):
    configure(
        app,
        forum_provider("nhs", provider.issuer, trust_mfa=True),
        forum_provider("nhs-auto", provider.issuer, label="NHSmail (auto)", auto_approve=True),
        forum_provider("misdirected", provider.issuer, client_id="forum-b"),
    )
    return app


def start(client, name: str = "nhs") -> str:
    response = client.post(f"/login/org/{name}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.location


def through_provider(client, provider, login: str, name: str = "nhs"):
    """Sign in at the provider as ``login`` and bring its answer back to the forum."""
    back = walk_provider(start(client, name), login, provider.issuer)
    assert back.startswith(f"{BASE}/login/org/{name}/callback"), back
    return client.get(path_of(back))


def counts() -> tuple[int, int, int, int]:
    db.session.commit()
    return (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(LinkedIdentity.id))),
        db.session.scalar(select(func.count(JoinRequest.id))),
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action != "auth.sign_in_failed")
        ),
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))
