"""A post's edit history: every version, and a readable diff between any two.

Only the post's author and moderators of its category see them (404 for a post one cannot
see at all, 403 for a post one sees but whose history is not theirs to read).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from forum import policy, queries
from forum.models import Post
from forum.queries import thread_page as thread_extras
from forum.queries.thread_page import Version
from forum.text.revision_diff import diff_texts

bp = Blueprint("revisions", __name__)


def _post_with_history(post_id: int) -> tuple[Post, list[Version]]:
    post = queries.get_post_or_404(post_id, current_user)
    policy.require(policy.can_view_revisions(current_user, post))
    return post, thread_extras.versions(post)


def _version_arg(name: str, default: int, last: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= last:
        raise BadRequest(f"Choose versions between 1 and {last}.")
    return int(raw)


@bp.get("/p/<id:post_id>/revisions")
def index(post_id: int) -> str:
    post, versions = _post_with_history(post_id)
    return render_template("discussions/revisions/index.html", post=post, versions=versions)


@bp.get("/p/<id:post_id>/revisions/diff")
def diff(post_id: int) -> str:
    post, versions = _post_with_history(post_id)
    last = len(versions)
    old = _version_arg("from", max(1, last - 1), last)
    new = _version_arg("to", last, last)
    if old > new:
        old, new = new, old
    changes = diff_texts(versions[old - 1].body_source, versions[new - 1].body_source)
    return render_template(
        "discussions/revisions/diff.html",
        post=post,
        versions=versions,
        old=versions[old - 1],
        new=versions[new - 1],
        changes=changes,
    )
