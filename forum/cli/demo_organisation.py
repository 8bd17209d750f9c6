"""Demo data for organisation sign-in: one member's NHSmail account already linked, so the
account page shows a link (signing in with it needs a provider in FORUM_OIDC_PROVIDERS)."""

from __future__ import annotations

from forum.models import User
from forum.services.membership.identities import VerifiedIdentity, link_identity

DEMO_ISSUER = "https://login.microsoftonline.com/demo-tenant/v2.0"


def seed_linked_account(member: User) -> None:
    identity = VerifiedIdentity(
        provider="nhsmail",
        issuer=DEMO_ISSUER,
        subject=f"demo-{member.id}",
        email=member.email,
        display_name=member.display_name,
        mfa=False,
    )
    link_identity(member, member, identity)
