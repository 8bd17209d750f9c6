"""``forum receive-email`` (one message on standard input, from a mail server's pipe) and
``forum poll-mailbox`` (fetch from an IMAP mailbox): both hand each message to
``forum.services.inbound.receive.receive_email`` and commit (docs/reply-by-email.md).

Exit codes of ``receive-email`` follow sysexits.h, as Postfix's pipe transport reads them:
0 the message was handled (posted, answered, or dropped: machines' mail, unknown addresses
and forged senders are dropped without a bounce, which would go to a forged sender);
65 (EX_DATAERR) larger than ``REPLY_MAX_BYTES``: bounced by the mail server;
75 (EX_TEMPFAIL) reply by email is not set up, or the database is unavailable: the mail
server keeps the message and tries again later.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from sqlalchemy.exc import OperationalError

from forum.extensions import db
from forum.services.inbound import addresses
from forum.services.inbound.receive import Receipt, receive_email

log = logging.getLogger(__name__)

EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75


def _receive(raw: bytes, recipient: str | None) -> Receipt:
    """Handle one message in its own transaction."""
    try:
        receipt = receive_email(raw, recipient=recipient)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return receipt


@click.command("receive-email")
@click.option("--recipient", default=None, help="The envelope recipient (Postfix: ${recipient}).")
def receive_email_command(recipient: str | None) -> None:
    """Turn one email on standard input into a reply (a mail server's pipe transport)."""
    if not addresses.enabled():
        click.echo("Reply by email is not set up (REPLY_DOMAIN is empty).", err=True)
        sys.exit(EX_TEMPFAIL)
    limit = int(current_app.config["REPLY_MAX_BYTES"])
    raw = sys.stdin.buffer.read(limit + 1)
    if len(raw) > limit:
        click.echo(f"Message larger than {limit} bytes: refused.", err=True)
        sys.exit(EX_DATAERR)
    try:
        receipt = _receive(raw, recipient)
    except OperationalError:
        log.exception("email reply deferred: the database is unavailable")
        sys.exit(EX_TEMPFAIL)
    click.echo(receipt.outcome)


# IMAP ------------------------------------------------------------------------------------


@contextmanager
def _mailbox() -> Iterator[imaplib.IMAP4]:
    cfg = current_app.config
    host, port, timeout = cfg["IMAP_HOST"], int(cfg["IMAP_PORT"]), cfg["IMAP_TIMEOUT_SECONDS"]
    if cfg["IMAP_SSL"]:
        context = ssl.create_default_context()
        imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
    else:
        imap = imaplib.IMAP4(host, port, timeout=timeout)
        if "STARTTLS" in imap.capabilities:
            imap.starttls(ssl.create_default_context())
    try:
        imap.login(cfg["IMAP_USER"], cfg["IMAP_PASSWORD"])
        status, _ = imap.select(_quoted(cfg["IMAP_FOLDER"]))
        if status != "OK":
            raise click.ClickException(f"No IMAP folder {cfg['IMAP_FOLDER']!r}.")
        yield imap
    finally:
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetch(imap: imaplib.IMAP4, uid: bytes) -> bytes | None:
    status, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
    for item in data if status == "OK" else []:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    return None


def _poll(imap: imaplib.IMAP4, keep: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    status, data = imap.uid("SEARCH", "UNDELETED")
    uids = data[0].split() if status == "OK" and data and data[0] else []
    for uid in uids:
        raw = _fetch(imap, uid)
        if raw is None:
            continue
        try:
            outcome = _receive(raw, None).outcome
        except OperationalError:
            log.exception("email reply deferred: the database is unavailable")
            break  # left in the mailbox for the next run
        counts[outcome] = counts.get(outcome, 0) + 1
        imap.uid("STORE", uid, "+FLAGS", "(\\Seen)" if keep else "(\\Seen \\Deleted)")
    if not keep:
        imap.expunge()
    return counts


@click.command("poll-mailbox")
@click.option("--keep", is_flag=True, help="Mark handled messages read instead of deleting them.")
def poll_mailbox_command(keep: bool) -> None:
    """Fetch replies from the IMAP mailbox (FORUM_IMAP_*) and handle each once."""
    if not addresses.enabled() or not current_app.config["IMAP_HOST"]:
        raise click.ClickException("Set REPLY_DOMAIN and IMAP_HOST first.")
    try:
        with _mailbox() as imap:
            counts = _poll(imap, keep)
    except (imaplib.IMAP4.error, OSError) as error:
        raise click.ClickException(f"IMAP: {error}") from None
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    click.echo(f"Handled {sum(counts.values())} message(s){': ' + summary if summary else ''}.")
