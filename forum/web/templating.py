"""Template globals and filters."""

from __future__ import annotations

from flask import Flask

from forum import policy
from forum.cards import threads as thread_cards
from forum.cards.times import time_tag, timeago
from forum.models.thread import KIND_NAMES
from forum.queries import answer_review
from forum.queries import learning as learning_log
from forum.queries import site as site_reads
from forum.services.moderation import queue as moderation_queue
from forum.text.paragraphs import paragraphs


def register(app: Flask) -> None:
    app.jinja_env.filters["timeago"] = timeago
    # Staff-written plain text (the pledge, descriptions): blank line = new paragraph.
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals["time_tag"] = time_tag
    app.jinja_env.globals["thread_rows"] = thread_cards.rows
    app.jinja_env.globals["policy"] = policy
    app.jinja_env.globals["thread_kind_names"] = KIND_NAMES
    # The site's settings, cached per process (forum/queries/site.py).
    app.jinja_env.globals["site_name"] = site_reads.site_name
    app.jinja_env.globals["site_settings"] = site_reads.site_settings
    # The review queue's open entries the moderator may handle, for the header's badge.
    app.jinja_env.globals["moderation_pending"] = moderation_queue.pending_count
    # Accepted answers due a review, for the moderation area's navigation (one statement).
    app.jinja_env.globals["answers_due_count"] = answer_review.count_due
    # The learning log's figures: 1 h 30 min, and 1.5 credits.
    app.jinja_env.filters["minutes"] = learning_log.minutes_label
    app.jinja_env.filters["credits"] = learning_log.credits_label
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
