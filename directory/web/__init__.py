"""Public pages (server-rendered, usable without JavaScript)."""

from flask import Blueprint

blueprint = Blueprint("web", __name__)
