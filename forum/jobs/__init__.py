"""Background work: the job queue, the worker, mail delivery and notification jobs."""
