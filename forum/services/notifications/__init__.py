"""Notifications: in-app, email, digests, watching and unsubscribing."""
