"""Sizes of files in words people read: ``2.4 MB``, ``310 KB``, ``12 bytes``."""

from __future__ import annotations


def filesize(size: int) -> str:
    """``1.3 GB``, ``2.4 MB``, ``310 KB``, ``12 bytes``."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    if size < 1024**3:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024**3:.1f} GB"
