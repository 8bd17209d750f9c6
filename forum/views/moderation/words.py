"""Watched words: staff choose words and phrases that block, hold or flag posts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy
from forum.extensions import db
from forum.forms.moderation import WatchedWordForm
from forum.queries import moderation as moderation_reads
from forum.services.moderation import words as moderation_words
from forum.views.submission import save

bp = Blueprint("mod_words", __name__, url_prefix="/mod/watched-words")


@bp.before_request
def staff_only() -> None:
    policy.require(policy.can_manage_watched_words(current_user))


def _render(form: WatchedWordForm, status: int = 200) -> tuple[str, int]:
    words = moderation_words.all_words()
    return render_template("moderation/words/index.html", form=form, words=words), status


@bp.get("/")
def index() -> tuple[str, int]:
    return _render(WatchedWordForm(formdata=None))


def _done(message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("mod_words.index"))


@bp.post("/")
def add() -> Any:
    form = WatchedWordForm()
    added = save(
        form,
        lambda: moderation_words.add_watched_word(
            current_user,
            phrase=form.phrase.data,
            action=form.action.data,
            explanation=form.explanation.data or "",
        ),
    )
    if added:
        return _done(f"Now watching “{added.result.phrase}”.")
    return _render(form, 422)


@bp.post("/<id:word_id>")
def change(word_id: int) -> Any:
    word = moderation_reads.get_watched_word_or_404(word_id)
    form = WatchedWordForm(data={"phrase": word.phrase})
    form.phrase.data = word.phrase
    if not form.validate_on_submit():
        flash("Choose what happens when a post contains it.", "error")
        return redirect(url_for("mod_words.index"))
    moderation_words.change_watched_word(
        current_user, word, action=form.action.data, explanation=form.explanation.data or ""
    )
    db.session.commit()
    return _done(f"“{word.phrase}” is updated.")


@bp.post("/<id:word_id>/remove")
def remove(word_id: int) -> Response:
    word = moderation_reads.get_watched_word_or_404(word_id)
    phrase = word.phrase
    moderation_words.remove_watched_word(current_user, word)
    db.session.commit()
    return _done(f"No longer watching “{phrase}”.")
