"""Blueprints: the HTTP edge. Load, check, act, commit once, respond."""
