"""Moderation: the review queue, flags, decisions and actions on posts, threads and members."""
