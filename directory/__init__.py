"""Annuaire des partenaires du protocole parisien d'intégration professionnelle."""

import os
import secrets

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import settings_from_environment
from .database import MIGRATIONS_DIR
from .extensions import babel, compress, csrf, db, migrate
from .i18n import select_locale
from .search import create_indexes


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Enforce foreign keys; let readers go on while a writer commits (WAL); overwrite what is
    deleted (no erased personal data left in free pages)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, written by orjson (several times faster on a page of results): UTF-8 as
    is, keys sorted; dates and dataclasses still go through Flask's own conversions."""

    OPTIONS = (
        orjson.OPT_SORT_KEYS
        | orjson.OPT_NON_STR_KEYS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
    )

    def dumps(self, obj, **kwargs) -> str:
        return orjson.dumps(obj, default=self.default, option=self.OPTIONS).decode()


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: configuration, extensions, search backend, blueprints, CLI."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings_from_environment(app.instance_path))
    app.config["SEED_DATA_DIR"] = os.path.join(root, "seed_data")
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        # Sessions then last as long as the process: production sets DIRECTORY_SECRET_KEY.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        if not app.testing:
            app.logger.warning(
                "DIRECTORY_SECRET_KEY is not set: a random key is used, so sessions end when "
                "this process stops and differ between processes. Set it in production."
            )

    # JSON in UTF-8 as it is: French text is not inflated by \u escapes.
    app.json = JSONProvider(app)
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    compress.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        app.extensions["directory.search"] = create_indexes(app.config, db.engine)

    from . import admin, api, auth, cli, health, i18n, observability, privacy, security, web
    from .api import di_compat
    from .services import referrals

    observability.init_app(app)
    i18n.init_app(app)
    privacy.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    referrals.init_app(app)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(di_compat.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(web.blueprint)
    app.register_blueprint(admin.blueprint)
    cli.register(app)
    return app
