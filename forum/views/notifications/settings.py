"""Notification settings: email and digests, what the member watches, one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import queries
from forum.extensions import csrf, db
from forum.forms.notifications import (
    THREAD_LEVEL_CHOICES,
    CategoryLevelForm,
    NotificationSettingsForm,
    ThreadLevelForm,
    watching_form,
)
from forum.queries import listings
from forum.queries import notifications as notification_queries
from forum.services.notifications import schedule as email_schedule
from forum.services.notifications import subscriptions, unsubscribe
from forum.views.submission import save
from forum.web.security import safe_next_url

bp = Blueprint("notification_settings", __name__)


# Email and digest settings -------------------------------------------------------------------


def _settings_form() -> NotificationSettingsForm:
    settings = subscriptions.settings_for(current_user.id)
    form = NotificationSettingsForm(obj=settings)
    if not form.is_submitted():
        form.email_days.data = [d for d in range(7) if settings.email_days & (1 << d)]
        for name in ("window_start", "window_end", "digest_time"):
            getattr(form, name).data = email_schedule.clock(getattr(settings, name))
    return form


def _choices(form: NotificationSettingsForm) -> dict[str, Any]:
    end = email_schedule.minutes_of(form.window_end.data)
    return {
        "watch_started": form.watch_started.data,
        "watch_replied": form.watch_replied.data,
        "email_enabled": form.email_enabled.data,
        "email_days": sum(1 << d for d in set(form.email_days.data or []) if 0 <= d < 7),
        "window_start": email_schedule.minutes_of(form.window_start.data),
        "window_end": email_schedule.DAY_MINUTES if end == 23 * 60 + 59 else end,
        "digest": form.digest.data,
        "digest_time": email_schedule.minutes_of(form.digest_time.data),
        "digest_weekday": form.digest_weekday.data,
    }


@bp.route("/account/notifications", methods=["GET", "POST"])
def edit() -> str | Response | tuple[str, int]:
    form = _settings_form()
    if save(
        form, lambda: subscriptions.update_settings(current_user, current_user.id, **_choices(form))
    ):
        flash("Your notification settings are saved.", "success")
        return redirect(url_for("notification_settings.edit"))
    status = 422 if form.is_submitted() else 200
    return render_template("notifications/settings/edit.html", form=form), status


# Watching categories, tags and threads ----------------------------------------------------


def _watching_page(form: Any, status: int = 200) -> tuple[str, int]:
    return render_template(
        "notifications/settings/watching.html",
        form=form,
        categories=notification_queries.category_choices(current_user),
        tags=notification_queries.tag_choices(current_user),
        threads=notification_queries.thread_choices(current_user),
        thread_levels=dict(THREAD_LEVEL_CHOICES),
    ), status


@bp.route("/account/notifications/watching", methods=["GET", "POST"])
def watching() -> Response | tuple[str, int]:
    categories = queries.visible_categories(current_user)
    tags = listings.all_tags()
    form_class = watching_form([(c.id, c.name) for c in categories], [(t.id, t.name) for t in tags])
    form = form_class()
    if not form.is_submitted():
        _fill_watching(form)
    if save(form, lambda: _save_watching(form, categories, tags)):
        flash("What you watch is saved.", "success")
        return redirect(url_for("notification_settings.watching"))
    return _watching_page(form, 422 if form.is_submitted() else 200)


def _fill_watching(form: Any) -> None:
    for choice in notification_queries.category_choices(current_user):
        getattr(form, f"category_{choice.id}").data = choice.level
        getattr(form, f"category_{choice.id}_email").data = choice.email
    for choice in notification_queries.tag_choices(current_user):
        getattr(form, f"tag_{choice.id}").data = choice.level


def _save_watching(form: Any, categories: Any, tags: Any) -> None:
    for category in categories:
        level = getattr(form, f"category_{category.id}").data
        email = bool(getattr(form, f"category_{category.id}_email").data)
        subscriptions.set_category_level(current_user, category, level, email=email)
    for tag in tags:
        subscriptions.set_tag_level(current_user, tag, getattr(form, f"tag_{tag.id}").data)


@bp.post("/account/notifications/threads/forget")
def forget_threads() -> Response:
    ids = [int(v) for v in request.form.getlist("thread") if v.isascii() and v.isdigit()]
    subscriptions.forget_thread_levels(current_user, ids[:500])
    db.session.commit()
    flash("Those threads now follow your category and tag choices.", "success")
    return redirect(url_for("notification_settings.watching"))


@bp.post("/t/<id:thread_id>/notifications")
def thread_level(thread_id: int) -> Response | tuple[str, int]:
    thread = queries.get_thread_or_404(thread_id, current_user)
    form = ThreadLevelForm()
    back = url_for("threads.show", thread_id=thread.id, slug=thread.slug)
    if not form.validate_on_submit():
        flash("Choose how to be notified about this thread.", "error")
        return redirect(back)
    subscriptions.set_thread_level(current_user, thread, form.level.data)
    db.session.commit()
    flash(_thread_saved(form.level.data), "success")
    return redirect(safe_next_url(request.form.get("next"), back))


def _thread_saved(level: str) -> str:
    return {
        "watching": "You are watching this thread.",
        "tracking": "You are tracking this thread.",
        "muted": "This thread is muted.",
    }.get(level, "You will hear about this thread only when someone mentions or replies to you.")


@bp.post("/c/<slug>/notifications")
def category_level(slug: str) -> Response:
    category = queries.get_category_or_404(slug, current_user)
    form = CategoryLevelForm()
    if form.validate_on_submit():
        subscriptions.set_category_level(current_user, category, form.level.data)
        db.session.commit()
        flash(f"Your notifications for {category.name} are saved.", "success")
    else:
        flash("Choose how to be notified about this category.", "error")
    return redirect(url_for("categories.show", slug=category.slug))


# One-click unsubscribe (RFC 8058): public, and the POST needs no CSRF token ------------------


@bp.get("/unsubscribe/<token>", endpoint="unsubscribe")
def unsubscribe_page(token: str) -> tuple[str, int]:
    try:
        found = unsubscribe.read_token(token)
    except unsubscribe.UnsubscribeInvalid:
        return render_template("notifications/settings/unsubscribe_invalid.html"), 404
    return render_template("notifications/settings/unsubscribe.html", found=found, token=token), 200


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_now(token: str) -> tuple[str, int]:
    try:
        found = unsubscribe.unsubscribe(token)
    except unsubscribe.UnsubscribeInvalid:
        return render_template("notifications/settings/unsubscribe_invalid.html"), 404
    db.session.commit()
    return render_template("notifications/settings/unsubscribed.html", found=found), 200
