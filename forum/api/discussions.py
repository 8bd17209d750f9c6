"""Categories, threads and posts: the lists with the pages' filters, reading, writing."""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user
from werkzeug.exceptions import NotFound

from forum import queries
from forum.api import schemas
from forum.api.core import body, bp, created, cursor_page, etagged, next_cursor, run, run_guarded
from forum.api.spec import PAGED, Query, operation
from forum.extensions import limiter
from forum.models import Category, Post, Tag, Thread
from forum.queries import listings
from forum.queries import thread_page as thread_extras
from forum.queries.listings import ListKind
from forum.services.discussions import helpful, questions, solutions
from forum.services.discussions import posting as discussions
from forum.web.limits import posting_limit

LIST_KINDS = ("latest", "unread", "unanswered", "unsolved", "mine")
THREAD_FILTERS = (
    Query("list", "Which list, as the pages' tabs.", enum=LIST_KINDS),
    Query("category", "A category's slug."),
    Query("tag", "A tag's slug."),
    *PAGED,
)


@bp.get("/v1/categories")
@operation("The categories you can see, in order", "threads", response=schemas.CategoryList)
def categories() -> Response:
    items = [
        schemas.CategoryOut(
            id=c.id, name=c.name, slug=c.slug, description=c.description
        ).model_dump(mode="json")
        for c in queries.visible_categories(current_user)
    ]
    return etagged({"items": items})


def _filters() -> tuple[ListKind, Category | None, Tag | None]:
    kind = request.args.get("list", "latest")
    if kind not in LIST_KINDS:
        raise NotFound("There is no such list.")
    category = None
    if slug := request.args.get("category", ""):
        visible = queries.visible_categories(current_user)
        category = next((c for c in visible if c.slug == slug), None)
        if category is None:
            raise NotFound("That category does not exist, or you cannot see it.")
    tag = None
    if slug := request.args.get("tag", ""):
        tag = listings.get_tag_or_none(slug)
        if tag is None:
            raise NotFound("There is no such tag.")
    return ListKind(kind) if tag is None else ListKind.TAG, category, tag


def _visible_category(category_id: int) -> Category:
    visible = queries.visible_categories(current_user)
    found = next((c for c in visible if c.id == category_id), None)
    if found is None:
        raise NotFound("That category does not exist, or you cannot see it.")
    return found


@bp.get("/v1/threads")
@operation(
    "Threads, as the pages list them (latest, unread, unanswered, unsolved, mine; a "
    "category; a tag)",
    "threads",
    response=schemas.ThreadList,
    query=THREAD_FILTERS,
)
def threads() -> Response:
    kind, category, tag = _filters()
    number, limit = cursor_page()
    page = listings.thread_list(current_user, kind, number, limit, category=category, tag=tag)
    items = [schemas.thread(row.thread, row.tags) for row in page.items]
    return etagged({"items": items, "next_cursor": next_cursor(number, page.has_next)})


@bp.get("/v1/threads/<id:thread_id>")
@operation(
    "A thread with a page of its posts", "threads", response=schemas.ThreadDetail, query=PAGED
)
def thread(thread_id: int) -> Response:
    found = queries.get_thread_or_404(thread_id, current_user)
    number, limit = cursor_page()
    page = queries.thread_posts(found, number, limit, current_user)
    payload = schemas.thread(found, list(thread_extras.thread_tags(found)))
    payload["posts"] = [schemas.post(p, found.solution_post_id, source=False) for p in page.items]
    payload["next_cursor"] = next_cursor(number, page.has_next)
    return etagged(payload)


@bp.get("/v1/posts/<id:post_id>")
@operation("A post", "posts", response=schemas.PostOut)
def post(post_id: int) -> Response:
    return etagged(_post_out(post_id))


@bp.post("/v1/threads")
@operation(
    "Start a thread (the confidentiality guard checks it)",
    "threads",
    body=schemas.NewThread,
    response=schemas.ThreadOut,
    status=201,
    errors=(404,),
)
@limiter.limit(posting_limit)
def create_thread() -> Response:
    sent = body(schemas.NewThread)

    def start(confirmed: frozenset[str]) -> Thread:
        category = _visible_category(sent.category_id)
        return questions.start_thread(
            current_user,
            category,
            title=sent.title,
            body=sent.body,
            kind=sent.kind,
            tag_ids=sent.tag_ids,
            client_token=sent.client_token,
            pii_confirmed=confirmed,
        )

    made = run_guarded(start, sent.confirm)
    if isinstance(made, Response):
        return made
    return created(_thread_out(made.id), f"/api/v1/threads/{made.id}")


@bp.post("/v1/threads/<id:thread_id>/posts")
@operation(
    "Reply to a thread (the confidentiality guard checks it)",
    "posts",
    body=schemas.NewPost,
    response=schemas.PostOut,
    status=201,
)
@limiter.limit(posting_limit)
def reply(thread_id: int) -> Response:
    queries.get_thread_or_404(thread_id, current_user)
    sent = body(schemas.NewPost)

    def answer(confirmed: frozenset[str]) -> Post:
        return questions.answer(
            current_user,
            queries.get_thread_or_404(thread_id, current_user),
            body=sent.body,
            reply_to=sent.reply_to,
            client_token=sent.client_token,
            pii_confirmed=confirmed,
            basis=sent.basis,
        )

    made = run_guarded(answer, sent.confirm)
    if isinstance(made, Response):
        return made
    return created(_post_out(made.id), f"/api/v1/posts/{made.id}")


@bp.patch("/v1/posts/<id:post_id>")
@operation(
    "Edit a post (yours, or as a moderator)",
    "posts",
    body=schemas.EditPost,
    response=schemas.PostOut,
    errors=(409,),
)
@limiter.limit(posting_limit)
def edit(post_id: int) -> Response:
    queries.get_post_or_404(post_id, current_user)
    sent = body(schemas.EditPost)

    def change(confirmed: frozenset[str]) -> Post:
        found = queries.get_post_or_404(post_id, current_user)
        return discussions.edit_post(
            current_user,
            found,
            body=sent.body,
            title=sent.title if found.post_number == 1 else None,
            reason=sent.reason,
            base_edit_count=sent.edit_count,
            pii_confirmed=confirmed,
        )

    done = run_guarded(change, sent.confirm)
    return done if isinstance(done, Response) else etagged(_post_out(post_id))


@bp.delete("/v1/posts/<id:post_id>")
@operation("Delete a post (yours, or as a moderator)", "posts", status=204)
def delete(post_id: int) -> Response:
    found = queries.get_post_or_404(post_id, current_user)
    done = run(lambda: discussions.delete_post(current_user, found))
    return done if isinstance(done, Response) else Response(status=204)


@bp.post("/v1/threads/<id:thread_id>/solution")
@operation(
    "Accept a reply as the thread's solution",
    "threads",
    body=schemas.Solution,
    response=schemas.ThreadOut,
)
def accept_solution(thread_id: int) -> Response:
    found = queries.get_thread_or_404(thread_id, current_user)
    sent = body(schemas.Solution)
    answer = queries.get_post_or_404(sent.post_id, current_user)
    done = run(lambda: solutions.accept_solution(current_user, found, answer))
    return done if isinstance(done, Response) else etagged(_thread_out(thread_id))


@bp.post("/v1/posts/<id:post_id>/helpful")
@operation("Mark a post helpful", "posts", response=schemas.PostOut)
def mark_helpful(post_id: int) -> Response:
    found = queries.get_post_or_404(post_id, current_user)
    done = run(lambda: helpful.mark_helpful(current_user, found))
    return done if isinstance(done, Response) else etagged(_post_out(post_id))


def _thread_out(thread_id: int) -> dict:
    """The thread as the API shows it, read again after a change was committed."""
    found = queries.get_thread_or_404(thread_id, current_user)
    return schemas.thread(found, list(thread_extras.thread_tags(found)))


def _post_out(post_id: int) -> dict:
    """The post as the API shows it, read again after a change was committed."""
    found = queries.get_post_or_404(post_id, current_user)
    return schemas.post(found, found.thread.solution_post_id)
