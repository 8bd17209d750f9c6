"""The ``flask --app wsgi forum ...`` commands. Each calls services, then commits."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from forum import seeding
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Role
from forum.policy import SYSTEM
from forum.services import accounts, discussions

forum_cli = AppGroup("forum", help="Forum administration.")


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


@forum_cli.command("seed-demo")
def seed_demo() -> None:
    """Create demo categories, members and threads (does nothing if the forum has content)."""
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
    click.echo(f"Seeded {users} users, {threads} threads, {posts} posts.")


@forum_cli.command("rerender-posts")
def rerender_posts() -> None:
    """Re-render posts stored with an older markup version."""
    count = discussions.rerender_outdated_posts()
    db.session.commit()
    click.echo(f"Re-rendered {count} posts.")


def register(app: Flask) -> None:
    app.cli.add_command(forum_cli)
