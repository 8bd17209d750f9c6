"""The whole forum in one file, and back: ``forum backup PATH [--keep N]``, ``forum backup
--check PATH`` and ``forum restore PATH``. The archive (``archive.py``) holds the database
(``databases.py``), every uploaded file and a manifest with each member's SHA-256; taking it
(``taking.py``) never holds the database's write lock; the check and the restore are in
``restoring.py``. docs/deploy.md#backups has the cron line and the restore drill."""

from forum.cli.backups.databases import BackupError
from forum.cli.backups.restoring import Checked, Restored, check, restore
from forum.cli.backups.taking import Taken, backup

__all__ = ["BackupError", "Checked", "Restored", "Taken", "backup", "check", "restore"]
