"""A person's profile lives in the query string of the interview pages only: request logs
keep the path of those pages, never their parameters; the search page's ``adresse`` and the
geocoding client's debug lines never show the address either."""

import logging
import re

# The pages whose query string holds a person's profile (DESIGN.md §7), and the BAN's.
PROFILE_PAGES = re.compile(r"(/(?:api/v1/)?(?:orientation|fiche)[^?\s\"]*|/search/?)\?[^\s\"]*")
# A person's address typed on the search page.
ADDRESS_PARAMETER = re.compile(r"([?&]adresse=)[^&\s\"]*")
# Loggers that write request lines: werkzeug's server, geopy and urllib3 (at debug level).
REQUEST_LOGGERS = ("werkzeug", "geopy", "urllib3.connectionpool")


def redact(text: str) -> str:
    """The text with the query string of every profile page replaced by "?…", and any
    ``adresse`` value by "…"."""
    return ADDRESS_PARAMETER.sub(r"\1…", PROFILE_PAGES.sub(r"\1?…", text))


class ProfileRedactingFilter(logging.Filter):
    """Rewrites request-log records (werkzeug's "GET /orientation?age=… HTTP/1.1" line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def init_app(_app) -> None:
    """Install the filter on the request loggers, once per process."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ProfileRedactingFilter) for f in logger.filters):
            logger.addFilter(ProfileRedactingFilter())
