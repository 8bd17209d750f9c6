"""Frozen per-reader cards for posts and thread rows, and the rendered-fragment cache."""
