"""Every blueprint of the site, in the order the app registers them."""

from __future__ import annotations

from flask import Blueprint

from forum.views import home, pages, search
from forum.views.admin import categories as admin_categories
from forum.views.admin import group_members as admin_group_members
from forum.views.admin import groups as admin_groups
from forum.views.admin import guidelines as admin_guidelines
from forum.views.admin import health as admin_health
from forum.views.admin import members as admin_members
from forum.views.admin import overview as admin_overview
from forum.views.admin import search_terms as admin_search_terms
from forum.views.admin import settings as admin_settings
from forum.views.admin import tags as admin_tags
from forum.views.admin import uploads as admin_uploads
from forum.views.admin import webhooks as admin_webhooks
from forum.views.confidentiality import check, review
from forum.views.discussions import (
    answers,
    categories,
    composer,
    lists,
    posts,
    revisions,
    threads,
)
from forum.views.guidance import register as guidance_register
from forum.views.insight import dashboard as insight_dashboard
from forum.views.learning import log as learning_log
from forum.views.library import resources, uploads
from forum.views.membership import (
    account,
    auth,
    join,
    members,
    organisation,
    passwords,
    two_factor,
    users,
)
from forum.views.membership import groups as member_groups
from forum.views.moderation import answers as answer_review
from forum.views.moderation import audit, queue, reports, words
from forum.views.moderation import members as moderated_members
from forum.views.moderation import posts as moderated_posts
from forum.views.moderation import threads as moderated_threads
from forum.views.notifications import feeds, inbox, settings

BLUEPRINTS: tuple[Blueprint, ...] = tuple(
    module.bp
    for module in (
        # reading and writing
        home, auth, categories, threads, posts, users, search,
        # ways in and accounts
        join, passwords, two_factor, account, members, admin_overview, admin_members,
        # moderation
        queue, moderated_posts, moderated_threads, moderated_members, words, audit, reports,
        answer_review,
        # answers
        lists, answers, revisions, composer, admin_tags, admin_categories,
        # the library
        uploads, resources, admin_uploads,
        # notifications
        inbox, settings, feeds,
        # the confidentiality guard
        check, review,
        # site settings and the site's pages
        pages, admin_settings,
        # running the forum
        admin_health,
        # groups
        admin_groups, admin_group_members, member_groups,
        # the guideline register
        admin_guidelines, guidance_register,
        # webhooks
        admin_webhooks,
        # the learning log
        learning_log,
        # organisation sign-in (OpenID Connect)
        organisation,
        # programme insight
        insight_dashboard,
        # the search thesaurus
        admin_search_terms,
    )
)  # fmt: skip
