"""Threads and posts: starting, replying, editing, answers, tags, reading."""
