"""The search page: ``GET /search?q=...`` with the filters also as form controls."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms.fields.choices import SelectChoice

from forum import queries, search
from forum.extensions import limiter
from forum.forms.search import ANY_CATEGORY, SearchForm
from forum.search import SearchQuery
from forum.search.suggest import did_you_mean
from forum.web.paging import page_arg

bp = Blueprint("search", __name__)

FILTER_CONTROLS = (
    "category", "author", "tag", "status", "after", "before", "cites", "verified", "outdated",
)  # fmt: skip


def search_limit() -> str:
    return current_app.config["RATELIMIT_SEARCH"]


@bp.get("/search")
@limiter.limit(search_limit)
def index() -> str:
    page = page_arg()
    query = _query_from_request()
    results = suggestion = None
    if not query.is_empty:
        per_page = current_app.config["SEARCH_RESULTS_PER_PAGE"]
        results = search.search_posts(query, current_user, page=page, per_page=per_page)
        query = results.query
        if results.number > results.pages:
            raise NotFound("There is no such page of results.")
        suggestion = did_you_mean(results, current_user)
    form = _form_showing(query)
    return render_template(
        "search/index.html", form=form, query=query, results=results, suggestion=suggestion
    )


def _query_from_request() -> SearchQuery:
    controls = {name: request.args.get(name) for name in FILTER_CONTROLS}
    return search.with_filters(search.parse(request.args.get("q")), **controls)


def _form_showing(query: SearchQuery) -> SearchForm:
    """The controls as the search understood them (filters typed as text move into them)."""
    form = SearchForm(formdata=None)
    form.category.choices = [ANY_CATEGORY] + [
        SelectChoice(category.slug, category.name + (" (archived)" if category.archived_at else ""))
        for category in queries.visible_categories(current_user)
    ]
    form.q.data = query.words
    form.category.data = query.category or ""
    form.author.data = query.author or ""
    form.tag.data = query.tag or ""
    form.status.data = query.status or ""
    form.after.data = query.after.isoformat() if query.after else ""
    form.before.data = query.before.isoformat() if query.before else ""
    form.cites.data = query.cites or ""
    form.verified.data = query.verified
    form.outdated.data = query.outdated
    return form
