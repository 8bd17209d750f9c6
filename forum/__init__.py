"""The forum application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, request

from forum.api import routes as api_routes
from forum.cli import commands as cli
from forum.database import configure_engine, write_intent
from forum.errors import register_error_handlers
from forum.extensions import compress, csrf, db, limiter, migrate
from forum.jobs import courier
from forum.services import audit
from forum.views.blueprints import BLUEPRINTS
from forum.views.transactions import end_read_transaction
from forum.web import organisation_sign_in, serving, templating
from forum.web.auth import register_auth
from forum.web.converters import IdConverter
from forum.web.security import register_security_headers

MIGRATIONS = str(Path(__file__).parent / "migrations")


def create_app(config: str | None = None, **overrides: Any) -> Flask:
    """Build the app from a config class path, ``FORUM_*`` environment, then ``overrides``."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config or os.environ.get("FORUM_CONFIG", "config.DevelopmentConfig"))
    app.config.from_prefixed_env("FORUM")
    app.config.update(overrides)
    _resolve_settings(app)
    serving.register(app)
    _register_extensions(app)
    _register_blueprints(app)
    register_auth(app)
    organisation_sign_in.register(app)
    register_error_handlers(app)
    register_security_headers(app)
    templating.register(app)
    cli.register(app)
    return app


def _resolve_settings(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("Set FORUM_SECRET_KEY: the forum refuses to start without a secret key.")
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        if app.config.get("REQUIRE_DATABASE_URL"):
            raise RuntimeError("Set FORUM_DATABASE_URL to the production database.")
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'forum.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True}
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")


def _register_extensions(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    courier.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    with app.app_context():
        configure_engine(app, db.engine)
        if db.engine.dialect.name == "postgresql":
            # Runs before Flask-SQLAlchemy's own teardown (registered first) removes the session.
            app.teardown_appcontext(lambda error: end_read_transaction(db.session(), error))

    @app.before_request
    def declare_write_intent() -> None:
        write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))
        audit.client_address.set(request.remote_addr or "")


def _register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(api_routes.bp)
