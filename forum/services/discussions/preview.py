"""What a post will look like, before it is saved: the one text pipeline and the guard's
findings, with nothing stored."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from forum import policy
from forum.models import Category, Post
from forum.services.confidentiality import guard
from forum.services.guidance import citations as cited
from forum.text.citations import CitationKey


@dataclass(frozen=True)
class Preview:
    """The rendered body, what the guard would say if it were sent now, and the citations
    the guideline register does not know (they would show as typed)."""

    body_html: str
    verdict: guard.Verdict
    unknown_citations: tuple[CitationKey, ...] = ()

    @property
    def citation_note(self) -> str:
        return cited.unknown_note(self.unknown_citations)

    @property
    def is_empty(self) -> bool:
        return not self.body_html.strip()


def preview_post(
    actor: policy.Actor,
    category: Category,
    body: str,
    texts: Mapping[str, str],
    *,
    post: Post | None = None,
    confirmed: Collection[str] = (),
) -> Preview:
    """Render ``body`` as the post would show it, and scan ``texts`` as saving would."""
    policy.require(policy.can_post(actor))
    known = guard.known_fingerprints(post.id) if post is not None else ()
    verdict = guard.scan_fields(
        texts,
        confirmed=confirmed,
        known=known,
        trusted=policy.can_moderate(actor, category),
    )
    html, citing = cited.render(body)
    return Preview(body_html=html, verdict=verdict, unknown_citations=citing.unknown)
