"""The text inside attached files, searched with the posts that carry them.

``candidates`` is a third side of the ranked search, ``snippets`` shows where in the file the
words were found, ``resource_match`` is the library's text filter. How: docs/uploads.md#search
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Connection
from sqlalchemy.sql import FromClause, Select

from forum.models import Attachment, Category, Post, Resource, ResourceVersion, StoredFile, Thread
from forum.search import postgres, ranking, sqlite
from forum.search.highlight import START, STOP
from forum.search.query import SearchQuery, TextShape

#: File matches count for less than a match in what a member wrote.
FILE_WEIGHT = 0.5
SNIPPET_TOKENS = 24

_files_fts = table("search_files", column("rowid", Integer))
_threads_fts = table("search_threads", column("rowid", Integer))
_posts_fts = table("search_posts", column("rowid", Integer))
_file_vector = literal_column("stored_files.search_vector", TSVECTOR)
_post_vector = literal_column("posts.search_vector", TSVECTOR)
_thread_vector = literal_column("threads.search_vector", TSVECTOR)


def _through_posts(files: FromClause) -> FromClause:
    """``files`` (holding ``stored_files``) joined through their attachments to posts."""
    linked = and_(
        Attachment.file_id == StoredFile.id,
        Attachment.post_id.is_not(None),
        Attachment.searchable.is_(True),
    )
    return (
        files.join(Attachment, linked)
        .join(Post, Post.id == Attachment.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Category, Category.id == Thread.category_id)
    )


def _indexed_files() -> FromClause:
    return _files_fts.join(StoredFile, StoredFile.id == _files_fts.c.rowid)


def candidates(dialect: str, text: TextShape, where: list[Any], window: int) -> Select[Any]:
    """Posts whose attached files match, as ``ranking.candidate_columns``."""
    if dialect == "sqlite":
        relevance = -func.bm25(literal_column("search_files")) * FILE_WEIGHT
        source = _through_posts(_indexed_files())
        match = literal_column("search_files").op("MATCH")(bindparam("fts_query"))
    else:
        q = postgres.tsquery(text)
        relevance = func.ts_rank(_file_vector, q, 1) * FILE_WEIGHT
        source = _through_posts(StoredFile.__table__)
        match = _file_vector.op("@@")(q)
    return (
        select(*ranking.candidate_columns(relevance, title=False))
        .select_from(source)
        .where(match, *where)
        .order_by(Post.id.desc())
        .limit(window)
    )


def snippets(
    connection: Connection, dialect: str, query: SearchQuery, post_ids: Iterable[int]
) -> dict[int, str]:
    """For each post, where its first matching file matched: ``name: …words…`` (raw, with
    START/STOP markers, for ``highlight.marked``)."""
    ids = sorted(set(post_ids))
    if not ids or not query.has_text:
        return {}
    statement = _snippet_statement(dialect, query.text_shape)
    rows = connection.execute(statement, {**_parameters(dialect, query), "ids": ids})
    found: dict[int, str] = {}
    for post_id, filename, snippet in rows:
        if START in (snippet or ""):
            found.setdefault(post_id, f"{filename}: {snippet}")
    return found


def _parameters(dialect: str, query: SearchQuery) -> dict[str, Any]:
    if dialect == "sqlite":
        return {"fts_query": sqlite.match_expression(query)}
    return postgres.parameters(query)


@lru_cache(maxsize=16)
def _snippet_statement(dialect: str, text_shape: TextShape) -> Select[Any]:
    """Built once per database and shape of text (the words and ids are bound)."""
    ids = bindparam("ids", expanding=True)
    where = [Attachment.post_id.in_(ids), Attachment.searchable.is_(True)]
    if dialect == "sqlite":
        snippet = func.snippet(literal_column("search_files"), 0, START, STOP, "…", SNIPPET_TOKENS)
        source = _indexed_files()
        where.append(literal_column("search_files").op("MATCH")(bindparam("fts_query")))
    else:
        source = StoredFile.__table__
        text = func.left(StoredFile.extracted_text, postgres.HEADLINE_SOURCE_CHARS)
        options = postgres.HEADLINE_OPTIONS
        q = postgres.tsquery(text_shape)
        snippet = func.ts_headline(postgres._REGCONFIG, text, q, options)
        where.append(_file_vector.op("@@")(q))
    return (
        select(Attachment.post_id, Attachment.filename, snippet)
        .select_from(source)
        .join(Attachment, Attachment.file_id == StoredFile.id)
        .where(*where)
        .order_by(Attachment.post_id, Attachment.id)
    )


# The library's own text filter ---------------------------------------------------------------


def resource_match(dialect: str, query: SearchQuery) -> tuple[ColumnElement[bool], dict[str, Any]]:
    """A condition on ``Resource``: the words are in its title, its description (the
    discussion's opening post) or its current file. And bind values."""
    current_files = (
        select(ResourceVersion.resource_id)
        .join(Attachment, Attachment.id == ResourceVersion.attachment_id)
        .where(Attachment.searchable.is_(True))
    )
    opening_posts = select(Post.thread_id).where(Post.post_number == 1)
    if dialect == "sqlite":
        match = bindparam("fts_query")
        titles = select(_threads_fts.c.rowid).where(
            literal_column("search_threads").op("MATCH")(match)
        )
        bodies = opening_posts.join(_posts_fts, _posts_fts.c.rowid == Post.id).where(
            literal_column("search_posts").op("MATCH")(bindparam("fts_posts"))
        )
        files = current_files.join(_files_fts, _files_fts.c.rowid == Attachment.file_id).where(
            literal_column("search_files").op("MATCH")(match)
        )
        thread_id = Resource.thread_id
        condition = or_(thread_id.in_(titles), thread_id.in_(bodies), Resource.id.in_(files))
        return condition, sqlite.parameters(query)
    q = postgres.tsquery(query.text_shape)
    files = current_files.join(StoredFile, StoredFile.id == Attachment.file_id).where(
        _file_vector.op("@@")(q)
    )
    condition = or_(
        Resource.thread_id.in_(select(Thread.id).where(_thread_vector.op("@@")(q))),
        Resource.thread_id.in_(opening_posts.where(_post_vector.op("@@")(q))),
        Resource.id.in_(files),
    )
    return condition, postgres.parameters(query)
