"""Running the forum: backups recorded, the worker's heartbeat, failed email sent again."""
