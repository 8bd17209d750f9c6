"""The ``flask --app wsgi forum ...`` commands, backups and seeding."""
