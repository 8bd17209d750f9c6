"""Admin pages for webhooks: the endpoints, adding and changing one, its secret (shown once,
on creation and on rotation), and its deliveries with "Send again".

Admins only (404 for everyone else, like the rest of ``/admin``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.forms.webhooks import WebhookForm
from forum.models import WEBHOOK_EVENT_NAMES, WebhookEndpoint
from forum.policy import can_manage_webhooks
from forum.queries import webhooks as webhook_queries
from forum.services.webhooks import endpoints
from forum.views.submission import save
from forum.web.paging import page_arg

bp = Blueprint("admin_webhooks", __name__, url_prefix="/admin/webhooks")


@bp.before_request
def admins_only() -> None:
    if not can_manage_webhooks(current_user):
        abort(404)


def _form(endpoint: WebhookEndpoint | None = None) -> WebhookForm:
    form = WebhookForm(obj=endpoint)
    if endpoint is not None and not form.is_submitted():
        form.categories.data = list(endpoint.category_ids)
    form.events.choices = list(WEBHOOK_EVENT_NAMES.items())
    form.categories.choices = [(c.id, c.name) for c in webhook_queries.restricted_categories()]
    return form


def _details(form: WebhookForm) -> dict[str, object]:
    return {
        "url": form.url.data or "",
        "description": form.description.data or "",
        "event_names": list(form.events.data or []),
        "category_ids": list(form.categories.data or []),
    }


def _secret_page(endpoint: WebhookEndpoint, secret: str, *, new: bool) -> str:
    return render_template("admin/webhooks/secret.html", endpoint=endpoint, secret=secret, new=new)


@bp.get("")
def index() -> str:
    found = webhook_queries.all_endpoints()
    names = webhook_queries.category_names([i for e in found for i in e.category_ids])
    return render_template("admin/webhooks/index.html", endpoints=found, names=names)


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | tuple[str, int]:
    form = _form()
    added = save(form, lambda: endpoints.create_endpoint(current_user, **_details(form)))
    if added and added.result is not None:
        return _secret_page(added.result, added.result.secret, new=True)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/webhooks/edit.html", form=form, endpoint=None), status


@bp.get("/<id:endpoint_id>")
def show(endpoint_id: int) -> str:
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    return render_template(
        "admin/webhooks/show.html",
        endpoint=endpoint,
        deliveries=webhook_queries.deliveries(endpoint, page_arg()),
        names=webhook_queries.category_names(endpoint.category_ids),
        event_names=WEBHOOK_EVENT_NAMES,
    )


@bp.route("/<id:endpoint_id>/edit", methods=["GET", "POST"])
def edit(endpoint_id: int) -> str | Response | tuple[str, int]:
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    form = _form(endpoint)
    if save(form, lambda: endpoints.update_endpoint(current_user, endpoint, **_details(form))):
        flash("The webhook is saved.", "success")
        return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id))
    status = 422 if form.is_submitted() else 200
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    return render_template("admin/webhooks/edit.html", form=form, endpoint=endpoint), status


@bp.post("/<id:endpoint_id>/rotate")
def rotate(endpoint_id: int) -> str | Response:
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    rotated = save(None, lambda: endpoints.rotate_secret(current_user, endpoint))
    if rotated and rotated.result:
        return _secret_page(endpoint, rotated.result, new=False)
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<id:endpoint_id>/enable")
def enable(endpoint_id: int) -> Response:
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    if save(None, lambda: endpoints.set_active(current_user, endpoint, True)):
        flash("The webhook is on: due deliveries are sent on the worker's next run.", "success")
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<id:endpoint_id>/disable")
def disable(endpoint_id: int) -> Response:
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    if save(None, lambda: endpoints.set_active(current_user, endpoint, False)):
        flash("The webhook is off: nothing is sent to it until it is turned on.", "success")
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<id:endpoint_id>/test")
def test(endpoint_id: int) -> Response:
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    if save(None, lambda: endpoints.send_test(current_user, endpoint)):
        flash("A test event is queued: the worker sends it on its next run.", "success")
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<id:endpoint_id>/delete")
def delete(endpoint_id: int) -> Response:
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    if save(None, lambda: endpoints.delete_endpoint(current_user, endpoint)):
        flash("The webhook and its deliveries are deleted.", "success")
    return redirect(url_for("admin_webhooks.index"))


@bp.post("/<id:endpoint_id>/deliveries/<id:delivery_id>/resend")
def resend(endpoint_id: int, delivery_id: int) -> Response:
    endpoint = webhook_queries.get_endpoint_or_404(endpoint_id)
    delivery = webhook_queries.get_delivery_or_404(endpoint, delivery_id)
    if save(None, lambda: endpoints.send_again(current_user, delivery)):
        flash("The delivery is queued again: the worker sends it on its next run.", "success")
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id, _anchor="deliveries"))
