"""Citations in posts, written: a post's text is rendered with the register's current versions,
and what it cites is stored (``PostCitation``) at those versions, so the post keeps showing the
version its author read even after the guideline changes. docs/answers.md#citations

A text without ``[[`` costs no statement; one with citations costs one to resolve them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete

from forum.extensions import db
from forum.models import Post, PostCitation, Thread
from forum.queries import citations as citation_reads
from forum.queries.citations import CitedSource
from forum.text import markup
from forum.text.citations import CitationKey, CitationLink, citation_link


@dataclass(frozen=True)
class Citing:
    """A text's citations: the links of those the register knows, the keys it does not
    (shown as typed), and what to store for the post."""

    links: Mapping[CitationKey, CitationLink] = field(default_factory=dict)
    unknown: tuple[CitationKey, ...] = ()
    sources: tuple[CitedSource, ...] = ()


def link_for(source: CitedSource) -> CitationLink:
    """How a cited source shows in a post."""
    return citation_link(
        source.key,
        href=source.url,
        published_on=source.published_on,
        title=source.title,
        publisher=source.publisher,
    )


def _citing(keys: list[CitationKey], sources: Iterable[CitedSource]) -> Citing:
    known = {source.key: source for source in sources}
    return Citing(
        links={key: link_for(source) for key, source in known.items()},
        unknown=tuple(key for key in keys if key not in known),
        sources=tuple(known[key] for key in keys if key in known),
    )


def resolve(source: str) -> Citing:
    """The citations of ``source`` as the register stands now."""
    keys = markup.extract_citations(source)
    if not keys:
        return Citing()
    return _citing(keys, citation_reads.resolve(keys).values())


def render(source: str) -> tuple[str, Citing]:
    """``source`` rendered with the current versions of what it cites, and those citations."""
    citing = resolve(source)
    return markup.render(source, citations=citing.links), citing


def store(post: Post, citing: Citing, *, replacing: bool) -> None:
    """Record what ``post`` cites (its rows are replaced when ``replacing``). The post must
    have its id."""
    if replacing:
        db.session.execute(
            delete(PostCitation)
            .where(PostCitation.post_id == post.id)
            .execution_options(synchronize_session=False)
        )
    db.session.add_all(
        PostCitation(
            post_id=post.id,
            guideline_id=source.guideline_id,
            number=source.key.number,
            version_id=source.version_id,
        )
        for source in citing.sources
    )


def reviewed_by_author(post: Post, thread: Thread) -> None:
    """The author re-wrote the post against today's guidance: a change flagged before no
    longer applies to it, nor to its thread's accepted answer when it is that."""
    post.guidance_changed_at, post.guidance_note = None, ""
    if thread.solution_post_id == post.id:
        thread.solution_guidance_changed_at = None


def stored_links(post_ids: Collection[int]) -> dict[int, dict[CitationKey, CitationLink]]:
    """Each post's citations as it recorded them (for rendering its text again)."""
    return {
        post_id: {source.key: link_for(source) for source in sources}
        for post_id, sources in citation_reads.stored(post_ids).items()
    }


def render_again(posts: Collection[Post]) -> None:
    """Render posts' current sources again with the versions they recorded (one statement
    for all of them, none when none cites anything)."""
    citing = [post.id for post in posts if markup.extract_citations(post.body_source)]
    links = stored_links(citing) if citing else {}
    for post in posts:
        post.body_html = markup.render(post.body_source, citations=links.get(post.id))
        post.markup_version = markup.MARKUP_VERSION


def unknown_note(unknown: Collection[CitationKey]) -> str:
    """What to tell the author about citations the register does not know, or "" (the
    page adds "; see the register", a link to it)."""
    labels = [key.label for key in unknown]
    if len(labels) == 1:
        return f"{labels[0]} is not in the guideline register, so it will show as plain text"
    if not labels:
        return ""
    names = ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"{names} are not in the guideline register, so they will show as plain text"


def unknown_in_saved(
    source: str, *, post_id: int | None = None, opening_of: int | None = None
) -> tuple[CitationKey, ...]:
    """The citations in a just-saved post's ``source`` that the post does not record: those
    the register did not know. The post by its id, or as the opening post of thread
    ``opening_of`` (one statement when the text has citations, none otherwise)."""
    keys = markup.extract_citations(source)
    if not keys:
        return ()
    recorded = citation_reads.recorded_keys(post_id=post_id, opening_of=opening_of)
    return tuple(key for key in keys if key not in recorded)
