"""The ``flask --app wsgi forum ...`` commands. Each calls services, then commits."""

from __future__ import annotations

import json
import sys
import time

import click
from flask import Flask
from flask.cli import AppGroup

from forum import pii, search
from forum.cli import seeding
from forum.cli.backups.commands import backup_command, restore_command
from forum.cli.inbound import poll_mailbox_command, receive_email_command
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Role
from forum.policy import SYSTEM
from forum.search import vocabulary
from forum.services.discussions import categories
from forum.services.discussions import posting as discussions
from forum.services.membership import accounts

forum_cli = AppGroup("forum", help="Forum administration.")
forum_cli.add_command(backup_command)
forum_cli.add_command(restore_command)
# Reply by email (docs/reply-by-email.md)
forum_cli.add_command(receive_email_command)
forum_cli.add_command(poll_mailbox_command)


@forum_cli.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create an account; without --password-stdin it waits for an invitation."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user = accounts.create_user(
            SYSTEM, email=email, display_name=name, role=role, password=password
        )
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role} @{user.username} <{user.email}> (id {user.id}).")


@forum_cli.command("create-category")
@click.argument("name")
@click.option("--slug", default="", help="Its address, /c/SLUG (default: made from the name).")
@click.option("--description", default="", help="One or two sentences under the name.")
@click.option("--staff-only", is_flag=True, help="Only moderators and admins see it.")
@click.option("--requires-approval", is_flag=True, help="Hold new posts for approval.")
@click.option("--case-template", is_flag=True, help="New threads use the case template.")
@click.option("--sensitive", is_flag=True, help="No titles or post text in email.")
def create_category(name: str, slug: str, description: str, **flags: bool) -> None:
    """Add a category at the end of the list (admins also can, at /admin/categories)."""
    details = categories.CategoryDetails(
        name=name,
        slug=slug,
        description=description,
        flags=categories.CategoryFlags(
            is_staff_only=flags["staff_only"],
            requires_approval=flags["requires_approval"],
            requires_case_template=flags["case_template"],
            is_sensitive=flags["sensitive"],
        ),
    )
    try:
        category = categories.create_category(SYSTEM, details)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created the category {category.name} at /c/{category.slug} (id {category.id}).")


@forum_cli.command("seed-demo")
def seed_demo() -> None:
    """Create the demo forum: categories, members, threads, groups, library and welcome (does
    nothing if the forum has content)."""
    created = seeding.seed_demo()
    db.session.commit()
    click.echo(
        "Demo data created." if created else "The forum already has content; nothing seeded."
    )
    click.echo(f"Demo sign-ins (password for all: {seeding.DEMO_PASSWORD}):")
    for email, role in seeding.demo_sign_ins():
        click.echo(f"  {email:<32} {role}")


@forum_cli.command("seed-bench")
@click.option("--users", default=1000, show_default=True)
@click.option("--threads", default=5000, show_default=True)
@click.option("--posts", default=100_000, show_default=True)
@click.option("--seed", default=42, show_default=True)
def seed_bench(users: int, threads: int, posts: int, seed: int) -> None:
    """Bulk-create synthetic members, threads and posts for benchmarks."""
    with click.progressbar(length=posts, label="Creating posts") as bar:
        seeding.seed_bench(
            users=users, threads=threads, posts=posts, seed=seed, progress=bar.update
        )
    db.session.commit()
    click.echo(f"Seeded {users} users, {threads} threads, {posts} posts.")


@forum_cli.command("rerender-posts")
def rerender_posts() -> None:
    """Re-render posts stored with an older markup version."""
    count = discussions.rerender_outdated_posts()
    db.session.commit()
    click.echo(f"Re-rendered {count} posts.")


# Closed membership: invitations and the background worker ---------------------------------


@forum_cli.command("invite")
@click.argument("email")
@click.option("--name", required=True, help="The person's name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value)
@click.option("--alliance", default="", help="Their Cancer Alliance (as in forum/alliances.py).")
def invite(email: str, name: str, role: str, alliance: str) -> None:
    """Invite someone: emails them a single-use link and prints it."""
    from forum.services.membership import invitations

    try:
        invitation, link = invitations.invite_member(
            SYSTEM, email=email, display_name=name, role=role, alliance=alliance
        )
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(
        f"Invited {invitation.email} as {invitation.role}; the link works until "
        f"{invitation.expires_at:%d %B %Y}:"
    )
    click.echo(link)


@forum_cli.command("worker")
@click.option("--once", is_flag=True, help="Run what is due, then exit.")
def worker(once: bool) -> None:
    """Run the background jobs (notification emails, digests, email delivery) until stopped."""
    from flask import current_app

    from forum.jobs import worker as jobs

    if once:
        click.echo(jobs.describe(jobs.run_due_jobs()))
        return
    poll = float(current_app.config["WORKER_POLL_SECONDS"])
    click.echo(f"Worker running; checking for due jobs every {poll:g} s (Ctrl-C stops it).")
    jobs.run_until_stopped(
        poll, lambda done: any(done.values()) and click.echo(jobs.describe(done))
    )
    click.echo("Worker stopped.")


@forum_cli.command("rebuild-search")
@click.option("--check", is_flag=True, help="Only recreate missing parts of the index.")
def rebuild_search(check: bool) -> None:
    """Rebuild the full-text search index from the posts and threads (or repair it)."""
    if check:
        repaired = search.install()
        db.session.commit()
        click.echo("Repaired the search index." if repaired else "The search index is complete.")
        return
    started = time.perf_counter()
    with click.progressbar(length=search.rebuild_work(), label="Rebuilding search") as bar:
        search.rebuild(progress=bar.update)
    db.session.commit()
    click.echo(f"Rebuilt the search index in {time.perf_counter() - started:.1f} s.")


# Search: the forum's words, for "did you mean" (issue 27, docs/search.md#did-you-mean)
@forum_cli.command("refresh-search-words")
def refresh_search_words() -> None:
    """Recount the words "did you mean" suggests from (run nightly, e.g. from cron)."""
    started = time.perf_counter()
    connection = db.session.connection()
    if not vocabulary.install(connection):
        vocabulary.refresh(connection)
    words = vocabulary.size(connection)
    db.session.commit()
    click.echo(f"Counted {words:,} words in {time.perf_counter() - started:.1f} s.")


# Uploads ------------------------------------------------------------------------------------


@forum_cli.command("prune-uploads")
@click.option(
    "--pending-hours",
    type=int,
    default=None,
    help="Remove uploads never attached after this many hours (default UPLOAD_PENDING_HOURS).",
)
def prune_uploads(pending_hours: int | None) -> None:
    """Remove unused uploads and stored files nothing refers to any more."""
    from forum.services.library import uploads

    report = uploads.prune_uploads(SYSTEM, pending_hours=pending_hours)
    db.session.commit()
    click.echo(
        f"Removed {report.attachments} unused upload(s), {report.files} stored file(s) and "
        f"{report.strays} leftover file(s) on disk."
    )


@forum_cli.command("recount-solutions")
def recount_solutions() -> None:
    """Recount every member's accepted solutions (after bulk moves, merges or splits)."""
    from forum.services.discussions import solutions

    solutions.recount_all_solutions()
    db.session.commit()
    click.echo("Recounted accepted solutions.")


# Patient identifiers -------------------------------------------------------------------------


def _findings(text: str) -> dict[str, list[dict[str, object]]]:
    return {"findings": [finding.as_dict() for finding in pii.scan(text)]}


def _jsonl_line(number: int, line: str) -> tuple[dict[str, object], bool]:
    """One line's findings, or an error naming the line (never quoting it)."""
    try:
        text = json.loads(line)
    except ValueError:
        text = None
    if not isinstance(text, str):
        return {"error": f"line {number} is not a JSON string"}, False
    return _findings(text), True


@forum_cli.command("pii-check")
@click.option("--jsonl", is_flag=True, help="Read one JSON string per line; answer per line.")
def pii_check(jsonl: bool) -> None:
    """Print the patient identifiers found in UTF-8 text on standard input, as JSON.

    Kinds and offsets only: the matched text is never printed.
    """
    try:
        data = sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException("Standard input is not UTF-8 text.") from error
    if not jsonl:
        click.echo(json.dumps(_findings(data)))
        return
    failed = False
    for number, line in enumerate(data.splitlines(), start=1):
        answer, ok = _jsonl_line(number, line)
        failed = failed or not ok
        click.echo(json.dumps(answer))
    if failed:
        sys.exit(1)


# Programme insight (/insight) ----------------------------------------------------------------


@forum_cli.command("rebuild-insight")
def rebuild_insight() -> None:
    """Rebuild the dashboards' rollups from the threads, posts and members (docs/insight.md)."""
    from forum.services.insight import rebuild

    started = time.perf_counter()
    done = rebuild.rebuild_insight()
    db.session.commit()
    counts = ", ".join(f"{n:,} {name}" for name, n in done.items())
    click.echo(f"Rebuilt the insight rollups ({counts}) in {time.perf_counter() - started:.1f} s.")


def register(app: Flask) -> None:
    app.cli.add_command(forum_cli)
