"""All models, importable from one place."""

from forum.models.audit import AuditEntry
from forum.models.base import Base, utcnow
from forum.models.category import Category
from forum.models.post import Post, PostRevision
from forum.models.thread import Thread
from forum.models.user import Role, User

__all__ = [
    "AuditEntry",
    "Base",
    "Category",
    "Post",
    "PostRevision",
    "Role",
    "Thread",
    "User",
    "utcnow",
]
