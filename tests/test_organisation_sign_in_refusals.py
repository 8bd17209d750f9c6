"""Organisation sign-in refuses, each with a clear message and no account touched.

The provider is the npm package ``oidc-provider`` (tests/oidc/provider.mjs); the forum talks
to it over HTTP through Authlib, and these tests go through the provider's own sign-in and
consent pages with a real HTTP client (the browser journeys are in
tests/browser/test_organisation_sign_in_journey.py). Faulty tokens are made by the provider
itself, through its configuration: a hook that makes it address a second client's ID
tokens to another site (wrong audience); a provider whose clock runs ten minutes slow, with
one-minute ID tokens (expired); an authorisation request that carries an earlier sign-in's
nonce (replayed nonce).
"""

from __future__ import annotations

import re

import pytest

from tests.factories import make_user
from tests.oidc import forum_side
from tests.oidc.forum_side import BASE, configure, counts, start, text, through_provider
from tests.oidc.running import (
    ACCOUNTS,
    client_registration,
    forum_provider,
    free_port,
    path_of,
    running_provider,
    walk_provider,
)

#: The module's provider and the app that trusts it (tests/oidc/forum_side.py).
provider = forum_side.provider
oidc_app = forum_side.oidc_app

# Refused, with a clear message and no account touched -----------------------------------


@pytest.fixture
def known_member(oidc_app):
    """Someone every refusal below could otherwise have signed in as or linked to."""
    for email in ("sam.patel@nhs.net", "unverified@nhs.net", "someone@gmail.com"):
        make_user(email=email)


def refused(response, words: str) -> None:
    assert response.status_code in (400, 403), response.status_code
    page = text(response)
    assert words in page, page[:3000]
    assert "No forum account was changed." in page


def test_an_unverified_email_is_refused(oidc_app, known_member, client, provider):
    before = counts()
    response = through_provider(client, provider, "unverified")
    refused(response, "NHSmail has not verified the address unverified@nhs.net")
    assert counts() == before and client.get("/account").status_code == 302


def test_an_email_from_a_domain_the_provider_may_not_vouch_for_is_refused(
    oidc_app, known_member, client, provider
):
    before = counts()
    response = through_provider(client, provider, "elsewhere")
    refused(response, "NHSmail can only confirm addresses at nhs.net, not at gmail.com")
    assert counts() == before


def test_an_answer_without_an_email_is_refused(oidc_app, client, provider):
    refused(through_provider(client, provider, "no-email"), "did not share an email address")


def test_an_id_token_for_another_audience_is_refused(oidc_app, known_member, client, provider):
    before = counts()
    response = through_provider(client, provider, "existing", name="misdirected")
    refused(response, "meant for another site (its audience is not this forum)")
    assert counts() == before


def test_an_expired_id_token_is_refused(app, known_member, client, tmp_path):
    """A provider whose clock is ten minutes slow issues one-minute ID tokens that have
    expired by the time they arrive (the forum allows a minute's clock difference)."""
    with running_provider(
        clients=[client_registration("forum", BASE, "slow")],
        accounts=ACCOUNTS,
        clock_offset_seconds=-600,
        id_token_ttl=60,
    ) as slow:
        configure(app, forum_provider("slow", slow.issuer))
        before = counts()
        response = through_provider(client, slow, "existing", name="slow")
    refused(response, "had expired when it arrived")
    assert counts() == before


def test_a_replayed_state_is_refused(oidc_app, known_member, client, provider):
    back = walk_provider(start(client), "existing", provider.issuer)
    assert client.get(path_of(back)).location == "/"
    client.post("/logout")
    before = counts()
    response = client.get(path_of(back))
    refused(response, "This sign-in was already used, or it expired.")
    assert counts() == before and client.get("/account").status_code == 302


def test_a_replayed_nonce_is_refused(oidc_app, known_member, client, provider):
    """The answer carries the nonce of an earlier sign-in, not of the one it comes back to."""
    earlier = start(client)
    current = start(client)
    old_nonce = re.search(r"nonce=([^&]+)", earlier).group(1)
    replayed = re.sub(r"nonce=[^&]+", f"nonce={old_nonce}", current)
    back = walk_provider(replayed, "existing", provider.issuer)
    before = counts()
    response = client.get(path_of(back))
    refused(response, "does not belong to this sign-in (its nonce does not match)")
    assert counts() == before


def test_a_cancelled_sign_in_at_the_provider_changes_nothing(oidc_app, client):
    start(client)
    response = client.get("/login/org/nhs/callback?error=access_denied&state=x")
    refused(response, "did not finish")


def test_an_unreachable_provider_gives_a_clear_page(app, client):
    configure(app, forum_provider("gone", f"http://127.0.0.1:{free_port(5600)}"))
    response = client.post("/login/org/gone")
    assert response.status_code == 502 and "could not reach NHSmail" in text(response)
