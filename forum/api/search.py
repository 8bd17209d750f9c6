"""Search with the pages' query language (words, "phrases", -not, and filters as text)."""

from __future__ import annotations

from flask import Response, current_app, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from forum import search
from forum.api import schemas
from forum.api.core import bp, cursor_page, etagged, next_cursor
from forum.api.spec import PAGED, Query, operation
from forum.extensions import limiter
from forum.search import SearchQuery


def search_limit() -> str:
    return current_app.config["RATELIMIT_SEARCH"]


@bp.get("/v1/search")
@operation(
    "Search posts with the search page's query language",
    "search",
    response=schemas.SearchResultsOut,
    query=(Query("q", "The query, as typed in the search box.", required=True), *PAGED),
)
@limiter.limit(search_limit)
def search_posts() -> Response:
    query: SearchQuery = search.parse(request.args.get("q", ""))
    if query.is_empty:
        raise BadRequest("Send a query in q.")
    number, limit = cursor_page()
    results = search.search_posts(query, current_user, page=number, per_page=limit)
    items = [
        schemas.SearchHitOut(
            thread_id=hit.thread.id,
            post_id=hit.post.id,
            title=hit.title.striptags(),
            snippet=hit.snippet.striptags(),
            matches=hit.matches,
            accepted_answer=hit.is_accepted_answer,
        ).model_dump(mode="json")
        for hit in results.hits
    ]
    return etagged(
        {
            "items": items,
            "total": results.total,
            "notices": list(results.notices),
            "next_cursor": next_cursor(number, results.has_next),
        }
    )
