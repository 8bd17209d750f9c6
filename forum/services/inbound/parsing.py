"""Reading a received message: is it automatic, who sent it, to which reply address, what did
the member write above the quoted history, and which files came with it.

The stdlib ``email`` package (``policy.default``) parses the message. The text is the
``text/plain`` part, or else the HTML part cut at the quoting element the common mail
clients insert (Gmail's ``gmail_quote``, Apple Mail's ``blockquote type=cite``, Outlook's
``divRplyFwdMsg``) and turned into text with light Markdown (``forum/text/email_html.py``).
Either way mail-parser-reply then removes what is left of the history ("On ... wrote:",
Outlook's "From: ... Sent: ..." block) and the signature ("Kind regards", "Sent from my
iPhone", "-- ").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses, parseaddr

from mailparser_reply import EmailReplyParser

from forum.text.email_html import html_to_text

#: Headers that name who the message was delivered to, most specific first.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
#: Where the big clients start the quoted history in HTML.
HTML_QUOTE_START = re.compile(
    r"<div[^>]*class=\"?[^\">]*gmail_quote"
    r"|<blockquote[^>]*type=\"?cite"
    r"|<div[^>]*id=\"?(?:divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)"
    r"|<div[^>]*class=\"?(?:OutlookMessageHeader|moz-cite-prefix|yahoo_quoted)",
    re.IGNORECASE,
)
PRECEDENCE_AUTOMATIC = {"bulk", "junk", "list", "auto_reply"}
AUTOREPLY_HEADERS = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress-Reply",
    "X-Failed-Recipients",
    "List-Id",
)
#: Content types of bounces and delivery reports.
REPORT_TYPES = {"multipart/report", "message/delivery-status", "message/disposition-notification"}
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    is_image: bool


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=default_policy)  # type: ignore[return-value]


def message_id(message: EmailMessage) -> str:
    return str(message.get("Message-ID", "") or "").strip()


def automatic_reason(message: EmailMessage) -> str | None:
    """Why this looks like a machine's message (auto-reply, bounce, list), or None."""
    submitted = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if submitted and submitted != "no":
        return "Auto-Submitted"
    if str(message.get("Precedence", "") or "").strip().lower() in PRECEDENCE_AUTOMATIC:
        return "Precedence"
    return_path = message.get("Return-Path")
    if return_path is not None and str(return_path).strip() in ("<>", ""):
        return "Return-Path"
    for name in AUTOREPLY_HEADERS:
        if message.get(name) is not None:
            return name
    if message.get_content_type() in REPORT_TYPES:
        return "delivery report"
    return None


def sender(message: EmailMessage) -> str:
    """The From address, lower-cased ("" when there is none or several)."""
    found = getaddresses([str(v) for v in message.get_all("From", [])])
    return found[0][1].strip().lower() if len(found) == 1 else ""


def recipients(message: EmailMessage) -> list[str]:
    values = [str(v) for name in RECIPIENT_HEADERS for v in message.get_all(name, [])]
    return [address for _, address in getaddresses(values) if address]


def _html_to_text(html: str) -> str:
    cut = HTML_QUOTE_START.search(html)
    return html_to_text(html[: cut.start()] if cut else html)


def _body_part(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    try:
        return str(part.get_content())
    except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else None


def full_text(message: EmailMessage) -> str:
    """The message's text before the history is removed: plain text, or HTML made text."""
    plain = _body_part(message, "plain")
    if plain is not None and plain.strip():
        return plain
    html = _body_part(message, "html")
    return _html_to_text(html) if html else ""


def latest_reply(text: str) -> str:
    """What the member wrote above the quoted history, without their signature."""
    text = text.replace("\r\n", "\n").replace("\xa0", " ")
    parsed = EmailReplyParser(languages=["en"]).read(text)
    body = parsed.replies[0].body if parsed.replies else ""
    kept = [line for line in body.split("\n") if not line.startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def reply_text(message: EmailMessage) -> str:
    return latest_reply(full_text(message))


def attachments(message: EmailMessage) -> list[Attachment]:
    """Files sent with the reply (at most ``MAX_ATTACHMENTS``), inline pictures included."""
    found = []
    for part in message.iter_attachments():
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if not filename or not isinstance(payload, bytes) or part.is_multipart():
            continue
        found.append(Attachment(filename, payload, part.get_content_maintype() == "image"))
    return found[:MAX_ATTACHMENTS]


def display_address(value: str) -> str:
    return parseaddr(value)[1]
