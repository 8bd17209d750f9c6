"""A category's thread list and starting a thread in it."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.errors import ServiceError
from forum.extensions import db, limiter
from forum.forms.answers import AskForm, tag_choices
from forum.models import Category, Draft, Thread
from forum.queries import listings
from forum.queries import notifications as notification_queries
from forum.queries import thread_page as thread_extras
from forum.services.confidentiality import holds as confidentiality_holds
from forum.services.discussions import drafts, questions
from forum.services.guidance import citations as cited
from forum.services.notifications import fanout
from forum.text.case_template import CaseFields, render_case
from forum.views.discussions.composer import flash_citation_note, form_preview, wants_preview
from forum.views.library.uploads import attach_composer_file
from forum.views.submission import save
from forum.web.limits import posting_limit
from forum.web.paging import page_arg

bp = Blueprint("categories", __name__)


@bp.get("/c/<slug>")
def show(slug: str) -> str:
    category = queries.get_category_or_404(slug, current_user)
    page = listings.thread_list(
        current_user,
        listings.ListKind.CATEGORY,
        page_arg(),
        current_app.config["THREADS_PER_PAGE"],
        category=category,
    )
    return render_template(
        "discussions/categories/show.html",
        category=category,
        page=page,
        category_watch=notification_queries.category_watch(current_user, category),
    )


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@limiter.limit(posting_limit, methods=["POST"])
def new_thread(slug: str) -> str | Response | tuple[str, int]:
    category = queries.get_category_or_404(slug, current_user)
    refuse_if_archived(category)
    policy.require(policy.can_create_thread(current_user, category))
    form = _ask_form(category)
    if wants_preview():
        return _preview_thread(category, form)
    started = attach_composer_file(form) and save(form, lambda: _start_thread(category, form))
    if started:
        thread, mention_notes = started.result
        opening = confidentiality_holds.opening_post(thread) if thread.hidden_at else None
        if opening is not None and (check := confidentiality_holds.writer_note(opening)):
            flash(check, "info")
        elif thread.hidden_at is not None:
            flash("Your thread is awaiting approval by a moderator.", "info")
        for note in mention_notes:
            flash(note, "info")
        if note := form.pii_nudge_note():
            flash(note, "info")
        flash_citation_note(cited.unknown_in_saved(_opening_text(form), opening_of=thread.id))
        return redirect(url_for("threads.show", thread_id=thread.id, slug=thread.slug))
    if form.is_submitted():
        _keep_thread_draft(category, form)
        category = queries.get_category_or_404(slug, current_user)  # reloaded after the commit
    status = 422 if form.is_submitted() else 200
    return render_template(
        "discussions/categories/new_thread.html", category=category, form=form
    ), status


def _opening_text(form: AskForm) -> str:
    """The opening post's text as the form makes it (from the case template's fields)."""
    case = _case_fields(form)
    return render_case(case) if case is not None else form.body.data or ""


def _preview_thread(category: Category, form: AskForm) -> tuple[str, int]:
    """The form again with the preview of the opening message; the text is kept as the
    member's draft too."""
    attach_composer_file(form)
    preview = form_preview(form, category, _opening_text(form))
    _keep_thread_draft(category, form)
    category = queries.get_category_or_404(category.slug, current_user)  # after the commit
    page = render_template(
        "discussions/categories/new_thread.html", category=category, form=form, preview=preview
    )
    return page, 200


def refuse_if_archived(category: Category) -> None:
    """Say plainly why nothing can be added (the policy refuses it anyway)."""
    if policy.is_archived(category):
        raise Forbidden(
            f"“{category.name}” is archived: its threads can be read, but no new threads or "
            "replies can be added."
        )


def _ask_form(category: Category) -> AskForm:
    form = AskForm(case_required=category.requires_case_template)
    form.tags.choices = tag_choices(listings.all_tags())
    if not form.is_submitted():
        saved = thread_extras.draft(current_user, Draft.thread_key(category.id))
        if saved is not None:
            _restore(form, saved)
    return form


def _restore(form: AskForm, saved: Draft) -> None:
    form.title.data, form.body.data = saved.title, saved.body
    for name, value in (saved.fields or {}).items():
        if name == "tags":
            form.tags.data = [int(v) for v in value if str(v).isdigit()]
        elif name == "kind" and form.case_required:
            continue
        elif name in form:
            form[name].data = value
    form.restored_draft = saved


def _case_fields(form: AskForm) -> CaseFields | None:
    if not form.is_case:
        return None
    return CaseFields(
        age_band=form.age_band.data or "",
        sex=form.sex.data or "",
        history=form.history.data or "",
        presentation=form.presentation.data or "",
        actions=form.actions.data or "",
        question=form.question.data or "",
    )


def _start_thread(category: Category, form: AskForm) -> tuple[Thread, list[str]]:
    """The new thread, and what to tell its writer about the groups it mentions."""
    thread = questions.start_thread(
        current_user,
        category,
        title=form.title.data,
        body=form.body.data or "",
        kind="case" if form.is_case else form.kind.data,
        tag_ids=form.tags.data or [],
        case=_case_fields(form),
        confirmed=bool(form.no_identifiers.data),
        client_token=form.client_token.data,
        pii_confirmed=form.pii_confirmations(),
    )
    if thread.hidden_at is not None:
        return thread, []
    return thread, fanout.group_mention_notes(thread, current_user.id, form.body.data or "")


DRAFT_FIELDS = ("kind", "age_band", "sex", "history", "presentation", "actions", "question")


def _keep_thread_draft(category: Category, form: AskForm) -> None:
    """A new thread that could not be posted is kept as the member's draft (when it may be)."""
    fields: dict[str, object] = {name: form[name].data or "" for name in DRAFT_FIELDS}
    fields["tags"] = [str(t) for t in form.tags.data or []]
    db.session.rollback()
    try:
        drafts.save_thread_draft(
            current_user,
            category,
            title=form.title.data or "",
            body=form.body.data or "",
            fields=fields,
        )
    except (ServiceError, Forbidden):
        db.session.rollback()
    else:
        db.session.commit()
