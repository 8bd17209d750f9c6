"""The organisation accounts the forum trusts: OpenID Connect providers from the settings.

``FORUM_OIDC_PROVIDERS`` is a JSON list of objects (docs/organisation-sign-in.md). A mistake
in it stops the app at start-up, with the provider and the key named, rather than at the
first sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
REQUIRED = ("name", "label", "issuer", "client_id", "client_secret", "domains")


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    #: Email domains this provider may vouch for (lower case, no "@").
    domains: frozenset[str]
    #: New members whose address it vouches for join at once, without a staff decision.
    auto_approve: bool = False
    #: Its multi-factor claim (``amr`` with ``mfa``, or an ``acr`` listed) satisfies the
    #: staff two-factor rule; otherwise the forum's own code is still asked.
    trust_mfa: bool = False
    mfa_acr_values: frozenset[str] = frozenset()
    #: Claims any one of which, when true, says the email address is verified.
    email_verified_claims: tuple[str, ...] = ("email_verified",)
    #: Sign out at the provider too (RP-initiated logout) when it offers it.
    end_session: bool = True

    def vouches_for(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domains


def parse_provider(raw: Mapping[str, Any]) -> Provider:
    """One provider from its settings object; ``ValueError`` names what is wrong."""
    if not isinstance(raw, Mapping):
        raise ValueError("each provider must be an object")
    missing = [key for key in REQUIRED if not raw.get(key)]
    if missing:
        raise ValueError(f"provider {raw.get('name', '?')!r} needs {', '.join(missing)}")
    name = str(raw["name"])
    if not NAME.match(name) or name == "join":
        raise ValueError(f"provider name {name!r}: use lower-case letters, digits and hyphens")
    domains = raw["domains"]
    if isinstance(domains, str) or not all(isinstance(d, str) and d for d in domains):
        raise ValueError(f"provider {name!r}: domains must be a list of email domains")
    return Provider(
        name=name,
        label=str(raw["label"]),
        issuer=str(raw["issuer"]).rstrip("/"),
        client_id=str(raw["client_id"]),
        client_secret=str(raw["client_secret"]),
        domains=frozenset(d.strip().lower().lstrip("@") for d in domains),
        auto_approve=bool(raw.get("auto_approve", False)),
        trust_mfa=bool(raw.get("trust_mfa", False)),
        mfa_acr_values=frozenset(map(str, raw.get("mfa_acr_values") or ())),
        email_verified_claims=tuple(raw.get("email_verified_claims") or ("email_verified",)),
        end_session=bool(raw.get("end_session", True)),
    )


def parse_providers(value: Any) -> dict[str, Provider]:
    """Every configured provider by name; ``ValueError`` if the setting is malformed."""
    if not value:
        return {}
    if not isinstance(value, list):
        raise ValueError("FORUM_OIDC_PROVIDERS must be a JSON list of objects")
    providers = [parse_provider(raw) for raw in value]
    by_name = {provider.name: provider for provider in providers}
    if len(by_name) != len(providers):
        raise ValueError("FORUM_OIDC_PROVIDERS: two providers share a name")
    return by_name


def configured_providers() -> dict[str, Provider]:
    return current_app.extensions.get("forum_oidc_providers", {})


def provider_named(name: str) -> Provider | None:
    return configured_providers().get(name)


def provider_label(name: str) -> str:
    """The button label of a provider, or its stored name once it is no longer configured."""
    provider = provider_named(name)
    return provider.label if provider else name
