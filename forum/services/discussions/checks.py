"""What a thread's title, a post's text and an answer's basis must be before they are stored."""

from __future__ import annotations

from forum.errors import ServiceError
from forum.models import AnswerBasis

TITLE_MIN_LENGTH = 5


def clean_title(title: str, max_length: int = 200) -> str:
    title = " ".join(title.split())
    if len(title) < TITLE_MIN_LENGTH:
        raise ServiceError(
            f"Give the thread a title of at least {TITLE_MIN_LENGTH} characters.", "title"
        )
    if len(title) > max_length:
        raise ServiceError(f"Keep the title to {max_length} characters or fewer.", "title")
    return title


def check_body(body: str) -> str:
    if not body.strip():
        raise ServiceError("Write something before posting.", "body")
    return body


def check_basis(basis: str) -> str:
    """What a reply rests on: one of ``AnswerBasis``, or "" for not stated."""
    basis = (basis or "").strip()
    if basis and basis not in {str(b) for b in AnswerBasis}:
        raise ServiceError("Choose what the answer rests on, or “Not stated”.", "basis")
    return basis
