"""Configuration read from ``DIRECTORY_*`` environment variables."""

import os

PREFIX = "DIRECTORY_"


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def settings_from_environment(instance_path: str) -> dict:
    """Return the Flask settings, with defaults overridden by ``DIRECTORY_*`` variables."""
    env = {key[len(PREFIX) :]: value for key, value in os.environ.items() if key.startswith(PREFIX)}
    database_path = os.path.join(instance_path, "directory.sqlite3")
    index_path = os.path.join(instance_path, "search-index.sqlite3")
    return {
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL", f"sqlite:///{database_path}"),
        "SEARCH_BACKEND": env.get("SEARCH_BACKEND", "embedded"),
        # Where the embedded index lives when the database is not SQLite.
        "EMBEDDED_INDEX_URL": env.get("EMBEDDED_INDEX_URL", f"sqlite:///{index_path}"),
        "ELASTICSEARCH_URL": env.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200"),
        "ELASTICSEARCH_API_KEY": env.get("ELASTICSEARCH_API_KEY"),
        "ELASTICSEARCH_USERNAME": env.get("ELASTICSEARCH_USERNAME"),
        "ELASTICSEARCH_PASSWORD": env.get("ELASTICSEARCH_PASSWORD"),
        "ELASTICSEARCH_CA_CERTS": env.get("ELASTICSEARCH_CA_CERTS"),
        "ELASTICSEARCH_INDEX_PREFIX": env.get("ELASTICSEARCH_INDEX_PREFIX", "directory-"),
        # Copies of the index on other nodes of a cluster (none on a single node).
        "ELASTICSEARCH_REPLICAS": int(env.get("ELASTICSEARCH_REPLICAS", "0")),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "PUBLIC_SEARCH": _flag(env.get("PUBLIC_SEARCH", "true")),
        "ARGON2_TIME_COST": int(env.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_KIB": int(env.get("ARGON2_MEMORY_KIB", "65536")),
        # Failed sign-ins allowed per window to one account from one address (the owner on
        # another address is never locked out), and to all accounts from one address.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS": int(
            env.get("LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS", "5")
        ),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(env.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20")),
        "LOGIN_WINDOW_SECONDS": int(env.get("LOGIN_WINDOW_SECONDS", "900")),
        "PASSWORD_RESET_SECONDS": int(env.get("PASSWORD_RESET_SECONDS", "3600")),
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
        "BAN_URL": env.get("BAN_URL", "https://api-adresse.data.gouv.fr"),
        # The data·inclusion API that `directory datainclusion sync` reads, and its token.
        "DATAINCLUSION_URL": env.get(
            "DATAINCLUSION_URL", "https://api.data.inclusion.gouv.fr/api/v1"
        ),
        "DATAINCLUSION_TOKEN": env.get("DATAINCLUSION_TOKEN"),
        # Background map of the result maps, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png;
        # none by default: the markers are drawn on a plain background.
        "MAP_TILES_URL": env.get("MAP_TILES_URL"),
        "MAP_ATTRIBUTION": env.get("MAP_ATTRIBUTION"),
        "SMTP_HOST": env.get("SMTP_HOST"),
        "SMTP_PORT": int(env.get("SMTP_PORT", "587")),
        "SMTP_STARTTLS": _flag(env.get("SMTP_STARTTLS", "true")),
        "SMTP_USERNAME": env.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD"),
        "MAIL_FROM": env.get("MAIL_FROM", "annuaire@localhost"),
        # Behind a reverse proxy: trust its X-Forwarded-For/-Proto (throttling by address).
        "PROXY_FIX": _flag(env.get("PROXY_FIX", "false")),
        # Log lines as readable text (development) or one JSON object each (production).
        "LOG_FORMAT": env.get("LOG_FORMAT", "text"),
        # The bearer token of /metrics; without it, /metrics answers 404.
        "METRICS_TOKEN": env.get("METRICS_TOKEN"),
        # Compressed answers (zstd, br or gzip, as the client accepts) for JSON only: a page
        # holds a CSRF token beside text the request chose, which compression would leak.
        "COMPRESS_MIMETYPES": ["application/json"],
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "16")) * 1024 * 1024,
        # Caps on hostile input (400 or an import error past them): nesting of a JSON import
        # file or API body, digits of a JSON number, characters of a CSV cell, and values of
        # the filters of one search (the search page's links grow with their square).
        "JSON_MAX_DEPTH": int(env.get("JSON_MAX_DEPTH", "20")),
        "JSON_MAX_NUMBER_DIGITS": int(env.get("JSON_MAX_NUMBER_DIGITS", "15")),
        "CSV_MAX_CELL_CHARS": int(env.get("CSV_MAX_CELL_CHARS", "20000")),
        "SEARCH_MAX_FILTER_VALUES": int(env.get("SEARCH_MAX_FILTER_VALUES", "100")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env.get("SECURE_COOKIES", "true")),
        # The signatories of the SPE orientation (DESIGN.md §7): their structure ids.
        "SPE_STRUCTURES": {
            "mission-locale": env.get("SPE_MISSION_LOCALE", "mission-locale-paris"),
            "cap-emploi": env.get("SPE_CAP_EMPLOI", "cap-emploi-75"),
            "france-travail": env.get("SPE_FRANCE_TRAVAIL", "france-travail-paris"),
        },
        # Days after a referral's last change of state before its personal data is erased.
        "REFERRAL_RETENTION_DAYS": int(env.get("REFERRAL_RETENTION_DAYS", "180")),
        "BABEL_DEFAULT_LOCALE": env.get("DEFAULT_LOCALE", "fr"),
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
    }
