"""The resource library: browse, add, read, edit, add versions; staff review what is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.errors import ServiceError
from forum.extensions import limiter
from forum.forms.library import (
    LibraryFilterForm,
    NewResourceForm,
    ResourceForm,
    ReviewForm,
    VersionForm,
)
from forum.models import LICENCE_LABELS, Resource
from forum.queries import library as library_queries
from forum.queries.library import SORTS, TYPE_LABELS, LibraryFilters
from forum.services.library import resources as library
from forum.services.library import uploads
from forum.text.sizes import filesize
from forum.views.submission import save
from forum.web.limits import posting_limit
from forum.web.paging import page_arg

bp = Blueprint("library", __name__, url_prefix="/library")


def _today() -> date:
    return datetime.now(UTC).date()


# Browsing ----------------------------------------------------------------------------------------


def _filters_from_request() -> LibraryFilters:
    names = LibraryFilters.__dataclass_fields__
    args = {name: (request.args.get(name) or "").strip()[:200] for name in names}
    if args["sort"] not in SORTS:
        args["sort"] = "recent"
    return LibraryFilters(**args)


def _filter_form(filters: LibraryFilters) -> LibraryFilterForm:
    form = LibraryFilterForm(formdata=None, data=filters.params(sort=filters.sort))
    form.category.choices = [("", "Any category")] + [
        (c.slug, c.name) for c in queries.visible_categories(current_user)
    ]
    form.tag.choices = [("", "Any tag")] + [(t.slug, t.name) for t in library_queries.all_tags()]
    form.type.choices = [("", "Any type")] + list(TYPE_LABELS.items())
    licences = [(licence.value, label) for licence, label in LICENCE_LABELS.items()]
    form.licence.choices = [("", "Any licence"), *licences]
    form.sort.choices = list(SORTS.items())
    return form


@bp.get("/")
def index() -> str:
    filters = _filters_from_request()
    per_page = current_app.config["LIBRARY_PER_PAGE"]
    page = library_queries.resources_page(current_user, filters, page_arg(), per_page)
    tags = library_queries.tags_by_thread([r.thread_id for r in page.items if r.thread_id])
    return render_template(
        "library/index.html",
        page=page,
        filters=filters,
        form=_filter_form(filters),
        tags=tags,
        type_labels=TYPE_LABELS,
        type_of=library_queries.type_of,
    )


@bp.get("/<id:resource_id>")
def show(resource_id: int) -> str:
    resource = library_queries.get_resource_or_404(resource_id, current_user)
    versions = library_queries.versions(resource)
    return render_template(
        "library/show.html",
        resource=resource,
        versions=versions,
        current=versions[0] if versions else None,
        tags=library_queries.tags_by_thread([resource.thread.id]).get(resource.thread.id, []),
        type_labels=TYPE_LABELS,
        type_of=library_queries.type_of,
    )


# Adding and editing ------------------------------------------------------------------------------


def _postable_categories() -> list:
    return [
        category
        for category in queries.visible_categories(current_user)
        if policy.can_add_resource(current_user, category)
    ]


def _prepare(form: ResourceForm, categories: list) -> None:
    form.category.choices = [(c.slug, c.name) for c in categories]
    form.licence.choices = [("", "Choose a licence")] + [
        (k.value, v) for k, v in LICENCE_LABELS.items()
    ]
    form.tags.choices = [(t.id, t.name) for t in library_queries.all_tags()]


def _details(form: ResourceForm) -> library.Details:
    return library.Details(
        title=form.title.data or "",
        description=form.description.data or "",
        organisation=form.organisation.data or "",
        licence=form.licence.data or "",
        licence_note=form.licence_note.data or "",
        audience=form.audience.data or "",
        review_by=form.review_by.data,
        tag_ids=tuple(form.tags.data or ()),
        pii_confirmed=form.pii_confirmations(),
    )


def _content(form: NewResourceForm | VersionForm) -> library.Content:
    file = request.files.get("file")
    has_file = file is not None and bool(file.filename)
    return library.Content(
        attested_no_pii=bool(form.attest.data),
        stream=file.stream if has_file else None,
        filename=file.filename if has_file else "",
        link_url=form.link_url.data or "",
        change_note=form.change_note.data or "" if isinstance(form, VersionForm) else "",
        checked=bool(form.checked.data),
    )


def _needs_check(refusal: ServiceError | None) -> bool:
    """True when the refusal asks the uploader to check the file."""
    return isinstance(refusal, uploads.UploadRefused) and refusal.needs_check


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(posting_limit, methods=["POST"])
def new() -> str | Response | tuple[str, int]:
    categories = _postable_categories()
    if not categories:
        policy.require(False)
    form = NewResourceForm()
    _prepare(form, categories)
    if request.method == "GET":
        form.category.data = current_app.config["LIBRARY_CATEGORY"]
        form.review_by.data = _today() + timedelta(days=365)
    added = save(form, lambda: _add(categories, form))
    if added:
        flash("The resource is in the library, with its own discussion thread.", "success")
        return redirect(url_for("library.show", resource_id=added.result.id))
    status = 422 if form.is_submitted() else 200
    page = render_template("library/new.html", form=form, needs_check=_needs_check(added.refusal))
    return page, status


def _add(categories: list, form: NewResourceForm) -> Resource:
    category = next(c for c in categories if c.slug == form.category.data)
    return library.add_resource(
        current_user, category, _details(form), _content(form), today=_today()
    )


def _editable(resource_id: int) -> Resource:
    resource = library_queries.get_resource_or_404(resource_id, current_user)
    policy.require(policy.can_edit_resource(current_user, resource))
    return resource


@bp.route("/<id:resource_id>/edit", methods=["GET", "POST"])
@limiter.limit(posting_limit, methods=["POST"])
def edit(resource_id: int) -> str | Response | tuple[str, int]:
    resource = _editable(resource_id)
    thread = resource.thread
    tag_ids = [t.id for t in library_queries.tags_by_thread([thread.id]).get(thread.id, [])]
    form = ResourceForm(obj=resource, data={"category": thread.category.slug, "tags": tag_ids})
    _prepare(form, [resource.thread.category])
    if save(
        form,
        lambda: library.update_resource(current_user, resource, _details(form), today=_today()),
    ):
        flash("Your changes are saved.", "success")
        return redirect(url_for("library.show", resource_id=resource.id))
    status = 422 if form.is_submitted() else 200
    return render_template("library/edit.html", form=form, resource=resource), status


@bp.route("/<id:resource_id>/versions/new", methods=["GET", "POST"])
@limiter.limit(posting_limit, methods=["POST"])
def new_version(resource_id: int) -> str | Response | tuple[str, int]:
    resource = _editable(resource_id)
    form = VersionForm()
    added = save(form, lambda: library.add_version(current_user, resource, _content(form)))
    if added:
        flash(f"Version {added.result.number} is now the current one.", "success")
        return redirect(url_for("library.show", resource_id=resource_id))
    status = 422 if form.is_submitted() else 200
    needs_check = _needs_check(added.refusal)
    page = render_template(
        "library/new_version.html", form=form, resource=resource, needs_check=needs_check
    )
    return page, status


# Reviews (staff) ---------------------------------------------------------------------------------


def _require_reviewer() -> None:
    if not policy.can_review_resources(current_user):
        raise NotFound()


@bp.get("/review")
def review() -> str:
    _require_reviewer()
    window = current_app.config["LIBRARY_REVIEW_WINDOW_DAYS"]
    due = library_queries.due_for_review(current_user, _today(), window)
    forms = {r.id: ReviewForm(formdata=None, data={"review_by": _next_year()}) for r in due}
    return render_template(
        "library/review.html", due=due, forms=forms, today=_today(), window=window
    )


def _next_year() -> date:
    return _today() + timedelta(days=365)


@bp.post("/<id:resource_id>/review")
def confirm_review(resource_id: int) -> Response | tuple[str, int]:
    _require_reviewer()
    resource = library_queries.get_resource_or_404(resource_id, current_user)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(" ".join(m for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("library.review"))
    if save(
        None,
        lambda: library.confirm_review(current_user, resource, form.review_by.data, today=_today()),
    ):
        when = form.review_by.data.strftime("%-d %B %Y")
        flash(f"Reviewed “{resource.title}”: next review by {when}.", "success")
    return redirect(url_for("library.review"))


# Template filters --------------------------------------------------------------------------------


bp.add_app_template_filter(filesize, "filesize")


@bp.app_template_filter("link_host")
def link_host(url: str) -> str:
    """The site a link goes to, as people read it (``www.nice.org.uk``)."""
    return urlsplit(url).hostname or url
