"""Reply by email in the demo forum: Dr Grace Adeyemi answers two notification emails from
Outlook. One reply is posted; the other mentions a postcode, so it waits as her draft in the
thread's reply box for her to confirm or edit, and she is emailed where it is. Both go through
``receive_email``, as ``forum receive-email`` would hand them over."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import select

from forum.extensions import db
from forum.models import Thread, User
from forum.services.inbound import addresses
from forum.services.inbound.receive import receive_email

MEMBER = "grace.adeyemi@example.nhs.uk"
#: Thread title, then what she typed above Outlook's quoted history.
REPLIES = [
    (
        "FIT under 10 but ongoing symptoms: what do you do next?",
        "We book a review at three weeks for anyone with a negative FIT and ongoing symptoms, "
        "and the practice search flags anyone who misses it.",
    ),
    (
        "Our monthly 2WW safety-netting search (template inside)",
        "We do the same. Our admin team also rings anyone whose letter went to an old address "
        "(we had one returned from LS9 8AB last month).",
    ),
]
OUTLOOK_HISTORY = (
    "\n\nKind regards,\nGrace\n\n________________________________\n"
    "From: GP Cancer Leads Forum <forum@localhost>\nSent: 07 December 2026 14:02\n"
    "To: ADEYEMI, Grace <{email}>\nSubject: New reply in “{title}”\n\nA new reply ...\n"
)


@contextmanager
def _reply_domain() -> Iterator[None]:
    """The demo needs reply addresses even where the install has not set them up."""
    before = current_app.config.get("REPLY_DOMAIN")
    current_app.config["REPLY_DOMAIN"] = before or "reply.localhost"
    try:
        yield
    finally:
        current_app.config["REPLY_DOMAIN"] = before


def _message(user: User, thread: Thread, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"{user.display_name} <{user.email}>"
    message["To"] = addresses.reply_address(user.id, thread.id) or ""
    message["Subject"] = f"RE: New reply in “{thread.title}”"
    message["Message-ID"] = make_msgid(domain="example.nhs.uk")
    message.set_content(text + OUTLOOK_HISTORY.format(email=user.email, title=thread.title))
    return bytes(message)


def seed_reply_by_email() -> None:
    """Run before the demo's pledge is published (a published pledge must be accepted on the
    site before replying by email, and demo members accept it at their first sign-in)."""
    user = db.session.scalar(select(User).where(User.email == MEMBER))
    if user is None:
        return
    with _reply_domain():
        for title, text in REPLIES:
            thread = db.session.scalar(select(Thread).where(Thread.title == title))
            if thread is not None:
                receive_email(_message(user, thread, text))
