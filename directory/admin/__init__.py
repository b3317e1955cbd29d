"""The partner admin area (/admin): accounts, the listing editor, moderation, import/export.

Views only make sure someone is signed in; the service layer decides what they may do.
"""

from flask import Blueprint

blueprint = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    static_folder="static",
    static_url_path="/static",
)

from . import (  # noqa: E402, F401  (routes register on import)
    access,
    account_views,
    display,
    errors,
    listing_views,
    referral_views,
    transfer_views,
)
