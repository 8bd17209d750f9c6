"""Organisation sign-in, the OpenID Connect relying party, through Authlib's Flask client.

Authlib does the protocol: discovery from the issuer's metadata, the authorisation code flow
with PKCE (S256), ``state`` and ``nonce`` kept in the session for one use, and the ID token's
checks (signature through the provider's published keys, fetched again when a token names a
key the forum has not seen, so key rotation needs nothing; issuer; audience; expiry). The
forum adds what a provider's answer must prove before it names a member
(forum/services/membership/identities.py), and the session state around it: where to go
next, who is joining, whether the provider proved a second factor, and the ID token kept for
signing out at the provider.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, current_app, session
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError

from forum.errors import ServiceError
from forum.links import external_url
from forum.models import User
from forum.services.membership.identities import VerifiedIdentity, verify_identity
from forum.services.membership.identity_providers import (
    Provider,
    configured_providers,
    parse_providers,
    provider_label,
)

SCOPES = "openid email profile"
NEXT_KEY = "org_next"
JOINING_KEY = "org_joining"
JOINING_SECONDS = 1800
MFA_KEY = "org_mfa"
SIGN_OUT_KEY = "org_sign_out"

STATE_USED = "This sign-in was already used, or it expired. Start again from the sign-in page."
NONCE_WRONG = (
    "The answer from {label} does not belong to this sign-in (its nonce does not match), "
    "so it was refused. Start again from the sign-in page."
)
AUDIENCE_WRONG = (
    "{label} sent an answer meant for another site (its audience is not this forum), "
    "so it was refused."
)
EXPIRED = "The answer from {label} had expired when it arrived, so it was refused. Try again."
ISSUER_WRONG = "The answer from {label} names another issuer, so it was refused."
NOT_VALID = "The answer from {label} could not be checked ({detail}), so it was refused."
UNREACHABLE = "The forum could not reach {label}. Try again in a minute, or use your password."
CANCELLED = "Sign-in with {label} did not finish ({detail}). Nothing was changed."


class SignInRefused(Exception):
    """The provider's answer was refused; ``message`` says why in words for the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def register(app: Flask) -> None:
    """Check the configured providers and register each with Authlib."""
    try:
        providers = parse_providers(app.config.get("OIDC_PROVIDERS"))
    except ValueError as error:
        raise RuntimeError(f"FORUM_OIDC_PROVIDERS: {error}") from error
    if "forum_oidc" not in app.extensions:
        app.after_request(allow_forms_to_providers)
    oauth = OAuth(app)
    for provider in providers.values():
        oauth.register(
            name=provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": app.config["OIDC_TIMEOUT_SECONDS"],
            },
        )
    app.extensions["forum_oidc"] = oauth
    app.extensions["forum_oidc_providers"] = providers
    app.jinja_env.globals["organisation_providers"] = lambda: list(configured_providers().values())
    app.jinja_env.globals["organisation_provider_label"] = provider_label


def allow_forms_to_providers(response: Response) -> Response:
    """Let the sign-in and sign-out buttons' redirects reach the providers: browsers hold a
    form's redirect to the page's ``form-action``."""
    policy = response.headers.get("Content-Security-Policy", "")
    origins = sorted({_origin(p.issuer) for p in configured_providers().values()})
    if origins and "form-action 'self'" in policy:
        allowed = " ".join(["form-action 'self'", *origins])
        response.headers["Content-Security-Policy"] = policy.replace("form-action 'self'", allowed)
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _client(provider: Provider) -> Any:
    return current_app.extensions["forum_oidc"].create_client(provider.name)


def _metadata(provider: Provider) -> dict[str, Any]:
    metadata = _client(provider).load_server_metadata()
    if metadata.get("issuer", "").rstrip("/") != provider.issuer:
        raise SignInRefused(ISSUER_WRONG.format(label=provider.label))
    return metadata


def authorize_redirect(provider: Provider, next_url: str) -> Any:
    """Send the browser to the provider; a fresh state, nonce and PKCE verifier each time."""
    try:
        _metadata(provider)
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(UNREACHABLE.format(label=provider.label)) from error
    session[NEXT_KEY] = next_url
    redirect_uri = external_url("organisation.callback", name=provider.name)
    return _client(provider).authorize_redirect(redirect_uri)


def _claims_options(provider: Provider) -> dict[str, Any]:
    return {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
    }


def _refusal(provider: Provider, error: Exception) -> str:
    label = provider.label
    if isinstance(error, MismatchingStateError):
        return STATE_USED
    if isinstance(error, ExpiredTokenError):
        return EXPIRED.format(label=label)
    if isinstance(error, ClaimError):
        message = {"nonce": NONCE_WRONG, "aud": AUDIENCE_WRONG, "azp": AUDIENCE_WRONG}.get(
            error.claim, ISSUER_WRONG if error.claim == "iss" else NOT_VALID
        )
        return message.format(label=label, detail=error.claim)
    if isinstance(error, AuthlibBaseError):
        return CANCELLED.format(label=label, detail=error.description or error.error)
    if isinstance(error, requests.RequestException):
        return UNREACHABLE.format(label=label)
    return NOT_VALID.format(label=label, detail=getattr(error, "error", "") or "bad token")


def finish_authorization(provider: Provider) -> tuple[VerifiedIdentity, str]:
    """Redeem the code and check the ID token; the identity and the raw ID token."""
    try:
        _metadata(provider)
        token = _client(provider).authorize_access_token(
            claims_options=_claims_options(provider),
            leeway=current_app.config["OIDC_CLOCK_SKEW_SECONDS"],
        )
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError) as error:
        raise SignInRefused(_refusal(provider, error)) from error
    claims = token.get("userinfo")
    if not claims or "id_token" not in token:
        raise SignInRefused(NOT_VALID.format(label=provider.label, detail="no ID token"))
    claims = _with_userinfo(provider, token, dict(claims))
    try:
        return verify_identity(provider, claims), token["id_token"]
    except ServiceError as error:
        raise SignInRefused(error.message) from error


def _with_userinfo(provider: Provider, token: dict[str, Any], claims: dict[str, Any]) -> dict:
    """Add the address from the userinfo endpoint when the ID token carries none (many
    providers keep the ID token small); only for the same subject, and never ``amr``/``acr``,
    which only the ID token may say."""
    if claims.get("email") or not _metadata(provider).get("userinfo_endpoint"):
        return claims
    try:
        info = _client(provider).userinfo(token=token)
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:
        raise SignInRefused(UNREACHABLE.format(label=provider.label)) from error
    if info.get("sub") != claims.get("sub"):
        raise SignInRefused(NOT_VALID.format(label=provider.label, detail="another subject"))
    for name in ("email", "name", *provider.email_verified_claims):
        if name in info:
            claims[name] = info[name]
    return claims


def take_next_url() -> str | None:
    return session.pop(NEXT_KEY, None)


# The session around a sign-in -------------------------------------------------------------


def remember_joining(identity: VerifiedIdentity) -> None:
    """Keep a verified identity while its owner fills in the join form."""
    session[JOINING_KEY] = {**identity.__dict__, "t": int(time.time())}


def joining_identity() -> VerifiedIdentity | None:
    state = session.get(JOINING_KEY)
    if not isinstance(state, dict) or time.time() - state.get("t", 0) > JOINING_SECONDS:
        return None
    fields = {key: value for key, value in state.items() if key != "t"}
    try:
        return VerifiedIdentity(**fields)
    except TypeError:
        return None


def forget_joining() -> None:
    session.pop(JOINING_KEY, None)


def remember_provider_session(user: User, identity: VerifiedIdentity, id_token: str) -> None:
    """After the member is signed in: the provider's second factor, and the token for
    signing out at the provider."""
    if identity.mfa:
        session[MFA_KEY] = user.get_id()
    else:
        session.pop(MFA_KEY, None)
    session[SIGN_OUT_KEY] = {"p": identity.provider, "t": id_token}


def provider_proved_mfa(user: User) -> bool:
    """The member signed in through a trusted provider that proved a second factor."""
    return session.get(MFA_KEY) == user.get_id()


def keep_mfa_mark(user: User, had_mfa: bool) -> None:
    """Carry the provider's second factor over a new session version (this device only)."""
    if had_mfa:
        session[MFA_KEY] = user.get_id()


def sign_out_url() -> str | None:
    """Forget the provider's session state; where to end the provider's own session, if it
    offers RP-initiated logout (``end_session_endpoint``)."""
    session.pop(MFA_KEY, None)
    state = session.pop(SIGN_OUT_KEY, None)
    provider = configured_providers().get(state.get("p")) if isinstance(state, dict) else None
    if provider is None or not provider.end_session:
        return None
    try:
        endpoint = _metadata(provider).get("end_session_endpoint")
    except (SignInRefused, requests.RequestException, ValueError):
        return None
    if not endpoint:
        return None
    result = _client(provider).create_logout_url(
        post_logout_redirect_uri=external_url("auth.login"),
        id_token_hint=state.get("t"),
        client_id=provider.client_id,
    )
    return result["url"]
