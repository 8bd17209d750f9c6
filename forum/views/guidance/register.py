"""The guideline register for members, read only: what each guideline is, where to read it,
its versions and what each changed, and how to cite it in a post. docs/answers.md
"""

from __future__ import annotations

from flask import Blueprint, render_template

from forum.queries import guidelines

bp = Blueprint("guidelines", __name__)


@bp.get("/guidelines")
def index() -> str:
    return render_template("guidance/index.html", rows=guidelines.register())


@bp.get("/guidelines/<code>")
def show(code: str) -> str:
    guideline = guidelines.get_guideline_or_404(code)
    versions = guidelines.versions_of(guideline)
    return render_template("guidance/show.html", guideline=guideline, versions=versions)
