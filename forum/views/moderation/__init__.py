"""Moderation pages: the review queue, audit log, and actions on posts, threads and members."""
