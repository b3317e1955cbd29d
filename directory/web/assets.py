"""The State design system (DSFR), served from node_modules without copying it into git."""

from pathlib import Path

from flask import abort, send_from_directory

from . import blueprint

DSFR_DIST = Path(__file__).resolve().parents[2] / "node_modules" / "@gouvfr" / "dsfr" / "dist"
# Versioned by the package pin: a day of browser cache is safe and saves a round trip per page.
DSFR_MAX_AGE = 24 * 3600


def dsfr_available() -> bool:
    """Whether `npm install` has been run; pages fall back to plain HTML otherwise."""
    return (DSFR_DIST / "dsfr.min.css").is_file()


@blueprint.get("/static/dsfr/<path:filename>")
def dsfr_asset(filename: str):
    """A file of the DSFR distribution (send_from_directory refuses paths leaving it)."""
    if not DSFR_DIST.is_dir():
        abort(404)
    return send_from_directory(DSFR_DIST, filename, max_age=DSFR_MAX_AGE)


@blueprint.app_context_processor
def design_system() -> dict:
    return {"dsfr_available": dsfr_available()}
