"""All models, importable from one place."""

from forum.models.attachment import Attachment, StoredFile
from forum.models.audit import AuditEntry
from forum.models.base import Base, utcnow
from forum.models.category import Category, CategorySlug
from forum.models.confidentiality import (
    ConfidentialityIncident,
    ConfidentialityReview,
    PostFinding,
    ReviewOutcome,
)
from forum.models.feed import FeedToken
from forum.models.group import CategoryGroup, Group, GroupMember
from forum.models.guidance import (
    CHANGING_STATUSES,
    Guideline,
    GuidelineVersion,
    PostCitation,
    Recommendation,
    RecommendationStatus,
)
from forum.models.identity import LinkedIdentity
from forum.models.inbound import InboundEmail
from forum.models.insight import InsightActivity, InsightDownload, InsightQuestion
from forum.models.learning import LearningEntry
from forum.models.library import LICENCE_LABELS, Licence, Resource, ResourceVersion
from forum.models.membership import Invitation, JoinRequest, JoinRequestStatus
from forum.models.moderation import (
    CategoryModerator,
    Flag,
    FlagReason,
    ItemKind,
    MemberNote,
    MemberSanction,
    ModerationItem,
    ModerationMessage,
    Outcome,
    QueueClaim,
    SanctionKind,
    WatchedWord,
    WordAction,
)
from forum.models.notification import (
    CategorySubscription,
    DigestFrequency,
    EmailPostLink,
    Notification,
    NotificationKind,
    NotificationSettings,
    TagSubscription,
    ThreadSubscription,
    WatchLevel,
)
from forum.models.operations import BackupRecord, WorkerHeartbeat
from forum.models.outbox import OutboxMessage, OutboxStatus
from forum.models.post import BASIS_NAMES, AnswerBasis, Post, PostRevision
from forum.models.reader import Bookmark, Draft, HelpfulMark, ThreadRead
from forum.models.security import ApiToken, PledgeAcceptance, PledgeVersion, RecoveryCode
from forum.models.site import SitePageVersion, SiteSettings
from forum.models.tag import Tag, ThreadTag
from forum.models.thesaurus import ThesaurusGroup, ThesaurusState, ThesaurusTerm
from forum.models.thread import Thread, ThreadKind
from forum.models.user import Role, User
from forum.models.webhook import (
    WEBHOOK_EVENT_NAMES,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "InsightActivity",
    "InsightDownload",
    "InsightQuestion",
    "ThesaurusGroup",
    "ThesaurusState",
    "ThesaurusTerm",
    "ApiToken",
    "LinkedIdentity",
    "BASIS_NAMES",
    "CHANGING_STATUSES",
    "AnswerBasis",
    "Guideline",
    "GuidelineVersion",
    "PostCitation",
    "Recommendation",
    "RecommendationStatus",
    "CategoryModerator",
    "Flag",
    "FlagReason",
    "ItemKind",
    "MemberNote",
    "MemberSanction",
    "ModerationItem",
    "ModerationMessage",
    "Outcome",
    "QueueClaim",
    "SanctionKind",
    "WatchedWord",
    "WordAction",
    "AuditEntry",
    "Base",
    "Category",
    "CategorySlug",
    "Invitation",
    "JoinRequest",
    "JoinRequestStatus",
    "OutboxMessage",
    "OutboxStatus",
    "PledgeAcceptance",
    "PledgeVersion",
    "Post",
    "PostRevision",
    "RecoveryCode",
    "Role",
    "Thread",
    "User",
    "utcnow",
    # Questions and answers
    "Bookmark",
    "Draft",
    "HelpfulMark",
    "InboundEmail",
    "Tag",
    "ThreadKind",
    "ThreadRead",
    "ThreadTag",
    # Attachments and the resource library
    "Attachment",
    "LICENCE_LABELS",
    "Licence",
    "Resource",
    "ResourceVersion",
    "StoredFile",
    # Notifications, watching and email digests
    "CategorySubscription",
    "DigestFrequency",
    "EmailPostLink",
    "Notification",
    "NotificationKind",
    "NotificationSettings",
    "TagSubscription",
    "ThreadSubscription",
    "WatchLevel",
    # The confidentiality guard and breach response
    "ConfidentialityIncident",
    "ConfidentialityReview",
    "PostFinding",
    "ReviewOutcome",
    # Site settings and the site's pages
    "SitePageVersion",
    "SiteSettings",
    # Running the forum: backups and the worker's heartbeat
    "BackupRecord",
    "WorkerHeartbeat",
    # Groups and categories restricted to them
    "CategoryGroup",
    "FeedToken",
    "Group",
    "GroupMember",
    # Webhooks
    "WEBHOOK_EVENT_NAMES",
    "DeliveryStatus",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    # The learning log
    "LearningEntry",
]
