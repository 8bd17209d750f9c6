"""Organisation sign-in (OpenID Connect) against a real provider on loopback: signing in,
linking, joining, keys, staff two-factor, the account page and signing out.

The provider is the npm package ``oidc-provider`` (tests/oidc/provider.mjs); the forum talks
to it over HTTP through Authlib, and these tests go through the provider's own sign-in and
consent pages with a real HTTP client (the browser journeys are in
tests/browser/test_organisation_sign_in_journey.py; the refusals in
tests/test_organisation_sign_in_refusals.py).
"""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import JoinRequest, LinkedIdentity, User
from tests.factories import PASSWORD, make_moderator, make_user, publish_pledge, sign_in
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

# Signing in -----------------------------------------------------------------------------


def test_the_sign_in_page_offers_each_configured_provider(oidc_app, client):
    page = text(client.get("/login"))
    assert "Sign in with NHSmail</button>" in page
    assert 'action="/login/org/nhs"' in page


def test_discovery_pkce_state_and_nonce_are_sent(oidc_app, client, provider):
    location = start(client)
    assert location.startswith(f"{provider.issuer}/auth?")
    for part in ("code_challenge_method=S256", "code_challenge=", "state=", "nonce=",
                 "scope=openid+email+profile", "client_id=forum"):  # fmt: skip
        assert part in location


def test_an_existing_account_is_linked_by_its_verified_email(oidc_app, client, provider):
    user = make_user(email="sam.patel@nhs.net")
    response = through_provider(client, provider, "existing")
    assert response.status_code == 302, text(response)[-1500:]
    assert response.location == "/"
    db.session.commit()
    [link] = db.session.scalars(select(LinkedIdentity)).all()
    assert (link.user_id, link.subject, link.provider) == (user.id, "existing", "nhs")
    assert link.issuer == provider.issuer and link.last_used_at is not None
    assert db.session.get(User, user.id).linked_identity_count == 1
    page = text(client.get("/account"))
    assert "NHSmail</strong> (sam.patel@nhs.net), linked" in page


def test_the_pledge_is_asked_as_after_password_sign_in(oidc_app, client, provider):
    publish_pledge()
    make_user(email="sam.patel@nhs.net")
    response = through_provider(client, provider, "existing")
    assert response.location.startswith("/pledge")


def test_a_new_person_asks_to_join_and_staff_approval_links_their_account(
    oidc_app, client, provider
):
    response = through_provider(client, provider, "new-gp")
    assert response.location == "/login/org/join"
    page = text(client.get("/login/org/join"))
    assert "nia.okafor@nhs.net" in page and 'value="Dr Nia Okafor"' in page
    response = client.post("/login/org/join", data={
        "display_name": "Dr Nia Okafor", "job_title": "GP partner",
        "organisation": "Riverside Surgery", "alliance": "", "reason": "Cancer lead for our PCN.",
    })  # fmt: skip
    assert response.location == "/register/sent"
    db.session.commit()
    [request] = db.session.scalars(select(JoinRequest)).all()
    assert request.is_pending and request.email == "nia.okafor@nhs.net"
    assert (request.identity_provider, request.identity_subject) == ("nhs", "new-gp")
    assert db.session.scalar(select(func.count(User.id))) == 0

    from forum.services.membership import join_requests

    user = join_requests.approve_join_request(make_moderator(), request)
    db.session.commit()
    assert user.password_hash is None and user.linked_identity_count == 1 and user.is_active
    other = oidc_app.test_client()
    assert through_provider(other, provider, "new-gp").location == "/"


def test_an_auto_approved_provider_lets_a_new_member_in_at_once(oidc_app, client, provider):
    through_provider(client, provider, "new-gp", name="nhs-auto")
    response = client.post("/login/org/join", data={
        "display_name": "Dr Nia Okafor", "job_title": "GP", "organisation": "Riverside",
        "alliance": "", "reason": "Cancer lead.",
    })  # fmt: skip
    assert response.location.startswith("/pledge")
    db.session.commit()
    user = db.session.scalar(select(User).where(User.email == "nia.okafor@nhs.net"))
    assert user.linked_identity_count == 1 and user.password_hash is None
    assert client.get("/account").status_code == 200


def test_the_join_form_without_a_verified_identity_goes_back_to_sign_in(oidc_app, client):
    assert client.get("/login/org/join").location == "/login"


def test_a_suspended_or_banned_member_is_refused_as_with_a_password(oidc_app, client, provider):
    from forum.models import utcnow

    make_user(email="sam.patel@nhs.net", banned_at=utcnow())
    before = counts()
    response = through_provider(client, provider, "existing")
    assert response.status_code == 403
    assert "suspended, banned or closed" in text(response)
    assert counts() == before


def test_an_unknown_provider_is_not_found(oidc_app, client):
    assert client.post("/login/org/nowhere").status_code == 404
    assert client.get("/login/org/nowhere/callback").status_code == 404


# Keys, two-factor, the account page, signing out ---------------------------------------


def test_a_rotated_signing_key_is_fetched_again(app, client):
    port = free_port()
    registration = [client_registration("forum", BASE, "rotating")]
    with running_provider(clients=registration, accounts=ACCOUNTS, port=port) as first:
        configure(app, forum_provider("rotating", first.issuer))
        make_user(email="sam.patel@nhs.net")
        assert through_provider(client, first, "existing", name="rotating").location == "/"
        client.post("/logout")
    with running_provider(clients=registration, accounts=ACCOUNTS, port=port) as second:
        # The forum still holds the first key; the new token names a key it has not seen.
        assert through_provider(client, second, "existing", name="rotating").location == "/"


@pytest.fixture
def staff_2fa_required(oidc_app):
    oidc_app.config["STAFF_2FA_REQUIRED"] = True


def test_a_trusted_providers_mfa_satisfies_the_staff_rule(
    oidc_app, staff_2fa_required, client, provider
):
    make_moderator(email="mod@nhs.net")
    assert through_provider(client, provider, "staff-mfa").location == "/"
    assert client.get("/mod/").status_code == 200


def test_without_the_mfa_claim_staff_still_set_up_the_forums_code(
    oidc_app, staff_2fa_required, client, provider
):
    make_moderator(email="mod@nhs.net")
    assert through_provider(client, provider, "staff-pwd").location == "/"
    assert client.get("/mod/").location.startswith("/account/2fa")


def test_an_untrusted_providers_mfa_does_not_count(app, staff_2fa_required, client, provider):
    configure(app, forum_provider("nhs", provider.issuer, trust_mfa=False))
    make_moderator(email="mod@nhs.net")
    through_provider(client, provider, "staff-mfa")
    assert client.get("/mod/").location.startswith("/account/2fa")


def test_a_member_with_the_forums_code_is_asked_for_it_without_the_mfa_claim(
    oidc_app, client, provider
):
    from tests.factories import with_two_factor

    with_two_factor(make_moderator(email="mod@nhs.net"))
    assert through_provider(client, provider, "staff-pwd").location == "/login/2fa"
    assert client.get("/account").status_code == 302  # not signed in yet
    client2 = oidc_app.test_client()
    assert through_provider(client2, provider, "staff-mfa").location == "/"


def test_a_linked_member_may_remove_their_password_but_not_their_last_way_in(
    oidc_app, client, provider, reload
):
    user = make_user(email="sam.patel@nhs.net")
    through_provider(client, provider, "existing")
    reload()
    [link] = db.session.scalars(select(LinkedIdentity)).all()
    assert "Remove my forum password" in text(client.get("/account"))
    assert client.post("/account/password/remove").status_code == 302
    reload()
    assert db.session.get(User, user.id).password_hash is None
    assert client.get("/account").status_code == 200  # this device stays signed in
    client.post(f"/account/organisation/{link.id}/unlink")
    reload()
    assert db.session.scalar(select(func.count(LinkedIdentity.id))) == 1
    assert "Choose a forum password before removing" in text(client.get("/account"))
    response = oidc_app.test_client().post(
        "/login", data={"email": "sam.patel@nhs.net", "password": PASSWORD}
    )
    assert response.status_code == 422


def test_unlinking_with_a_password_kept(oidc_app, client, provider, reload):
    user = make_user(email="sam.patel@nhs.net")
    sign_in(client, user)
    response = through_provider(client, provider, "existing")  # linking while signed in
    assert response.location == "/account"
    reload()
    [link] = db.session.scalars(select(LinkedIdentity)).all()
    assert client.post(f"/account/organisation/{link.id}/unlink").status_code == 302
    reload()
    assert db.session.scalar(select(func.count(LinkedIdentity.id))) == 0
    assert db.session.get(User, user.id).linked_identity_count == 0


def test_another_members_link_cannot_be_removed(oidc_app, client, provider):
    make_user(email="sam.patel@nhs.net")
    through_provider(oidc_app.test_client(), provider, "existing")
    db.session.commit()
    [link] = db.session.scalars(select(LinkedIdentity)).all()
    sign_in(client, make_user())
    client.post(f"/account/organisation/{link.id}/unlink")
    db.session.commit()
    assert db.session.scalar(select(func.count(LinkedIdentity.id))) == 1


def test_signing_out_ends_the_providers_session_too(oidc_app, client, provider):
    make_user(email="sam.patel@nhs.net")
    http = requests.Session()
    back = walk_provider(start(client), "existing", provider.issuer, http)
    client.get(path_of(back))
    response = client.post("/logout")
    assert response.location.startswith(f"{provider.issuer}/session/end?")
    assert "id_token_hint=" in response.location
    assert "post_logout_redirect_uri=http%3A%2F%2Fforum.test%2Flogin" in response.location
    assert client.get("/account").status_code == 302
    confirm = http.get(response.location, timeout=10)
    assert confirm.status_code == 200 and "logout" in confirm.text.lower()


def test_a_password_sign_out_stays_on_the_forum(oidc_app, client):
    sign_in(client, make_user())
    assert client.post("/logout").location == "/login"


def test_a_deleted_account_can_no_longer_be_reached_through_its_link(oidc_app, client, provider):
    from forum.services.membership import data

    user = make_user(email="sam.patel@nhs.net")
    through_provider(oidc_app.test_client(), provider, "existing")
    db.session.commit()
    data.anonymise(db.session.get(User, user.id))
    db.session.commit()
    assert db.session.scalar(select(func.count(LinkedIdentity.id))) == 0
    assert db.session.get(User, user.id).linked_identity_count == 0
    response = through_provider(client, provider, "existing")
    assert response.location == "/login/org/join"  # a stranger again, not the deleted account


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ({"providers": 1}, "must be a JSON list"),
        ([{"name": "nhs", "label": "NHSmail"}], "needs issuer, client_id"),
        ([{"name": "NHS mail", "label": "x", "issuer": "https://i", "client_id": "c",
           "client_secret": "s", "domains": ["nhs.net"]}], "lower-case letters"),
        ([{"name": "nhs", "label": "x", "issuer": "https://i", "client_id": "c",
           "client_secret": "s", "domains": "nhs.net"}], "domains must be a list"),
    ],
)  # fmt: skip
def test_a_malformed_provider_setting_stops_the_app_at_start_up(setting, words):
    from forum.services.membership.identity_providers import parse_providers

    with pytest.raises(ValueError, match=words):
        parse_providers(setting)
