"""The click commands: ``forum backup PATH [--keep N]``, ``forum backup --check PATH`` and
``forum restore PATH [--replace]`` (added to the ``forum`` group by ``forum/cli/commands.py``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from forum.cli.backups.databases import BackupError
from forum.cli.backups.restoring import Checked, check, restore
from forum.cli.backups.taking import Taken, backup, name_pattern
from forum.extensions import db
from forum.policy import SYSTEM
from forum.services.operations import records
from forum.text.sizes import filesize


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="Then remove all but the newest N archives in PATH's folder named like PATH "
    "(differing only in digits, such as a date).",
)
@click.option(
    "--check",
    "checking",
    is_flag=True,
    help="Instead, check the archive at PATH: checksums, a trial restore into a scratch "
    "database, rows per table.",
)
def backup_command(path: Path, keep: int | None, checking: bool) -> None:
    """Write the database and uploaded files to one archive file at PATH (while the forum
    runs), or check one with --check."""
    if checking and keep:
        raise click.UsageError(
            "--keep removes archives after a backup; it has no use with --check."
        )
    try:
        if checking:
            _report_check(check(path))
            return
        taken = backup(path, keep=keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    _record(taken)
    _report_backup(taken, keep)


def _record(taken: Taken) -> None:
    """Note the backup for the health page; the archive is good even if this fails."""
    try:
        _write_record(taken)
    except SQLAlchemyError as error:
        db.session.rollback()
        click.echo(
            f"The backup is complete, but could not be noted for the health page: {error}",
            err=True,
        )


def _write_record(taken: Taken) -> None:
    records.record_backup(
        SYSTEM,
        kind=taken.dialect,
        path=taken.path,
        size_bytes=taken.size_bytes,
        seconds=taken.seconds,
        posts=taken.posts,
        uploads=taken.uploads,
    )
    db.session.commit()


def _report_backup(taken: Taken, keep: int | None) -> None:
    click.echo(
        f"Backed up the {taken.dialect} database ({plural(taken.posts, 'post')}) and "
        f"{plural(taken.uploads, 'uploaded file')} to {taken.path} ({filesize(taken.size_bytes)}, "
        f"{taken.seconds:.1f} s)."
    )
    for old in taken.removed:
        click.echo(f"Removed the older backup {old}.")
    if keep and name_pattern(taken.path.name) is None:
        click.echo(
            "--keep removed nothing: it only removes archives named like this one but for "
            "their digits, so put a date in the name (forum-$(date +%F).tar.gz)."
        )


def _report_check(report: Checked) -> None:
    click.echo(f"{report.path}: a {report.dialect} backup taken {_when(report.created_at)}.")
    if report.files is None:
        click.echo("Checksums: none (an archive of the first format).")
    elif not report.problems:
        click.echo(
            f"Checksums: {plural(report.files, 'file')} in the archive, each as its manifest says."
        )
    if report.tables:
        _print_counts(report)
    if report.problems:
        for problem in report.problems:
            click.echo(f"PROBLEM: {problem}", err=True)
        raise click.ClickException(
            f"The backup failed its check ({len(report.problems)} problems above)."
        )
    click.echo("The backup is sound: it restores, and every table has the rows it should.")


def _when(created_at: str) -> str:
    try:
        return f"{datetime.fromisoformat(created_at):%d %B %Y at %H:%M} UTC"
    except ValueError:
        return "at an unknown time"


def plural(count: int, noun: str) -> str:
    """``1 post``, ``4 posts``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _print_counts(report: Checked) -> None:
    """Rows per table, restored and as recorded; tables empty in both in one line."""
    where = f" ({report.scratch}, dropped afterwards)" if report.scratch else ""
    click.echo(f"Restored into a scratch {report.dialect} database{where}; rows per table:")
    shown = {name: counts for name, counts in report.tables.items() if counts != (0, 0)}
    width = max((len(name) for name in shown), default=5)
    click.echo(f"  {'table':<{width}}  {'restored':>9}  {'in backup':>9}")
    for name, (rows, expected) in shown.items():
        listed = "-" if expected is None else str(expected)
        click.echo(f"  {name:<{width}}  {rows:>9}  {listed:>9}")
    empty = len(report.tables) - len(shown)
    if empty:
        click.echo(f"  ... and {empty} tables empty in both.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a forum that already has posts.")
def restore_command(path: Path, replace: bool) -> None:
    """Replace this forum's database and uploads with the backup at PATH (stop the app first)."""
    try:
        restored = restore(path, replace=replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored the {restored.dialect} database ({plural(restored.posts, 'post')}) and "
        f"{plural(restored.uploads, 'uploaded file')} from {restored.path}."
    )
