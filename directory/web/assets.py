"""Front-end packages (the State design system, its charts, Leaflet), served from
node_modules without copying them into git."""

from pathlib import Path

from flask import abort, send_from_directory

from . import blueprint

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
DSFR_DIST = NODE_MODULES / "@gouvfr" / "dsfr" / "dist"
DSFR_CHART_DIST = NODE_MODULES / "@gouvfr" / "dsfr-chart" / "dist"
LEAFLET_DIST = NODE_MODULES / "leaflet" / "dist"
# Versioned by the package pins: a day of browser cache is safe and saves a round trip per page.
PACKAGE_MAX_AGE = 24 * 3600


def dsfr_available() -> bool:
    """Whether `npm install` has been run; pages fall back to plain HTML otherwise."""
    return (DSFR_DIST / "dsfr.min.css").is_file()


def _package_file(dist: Path, filename: str):
    """A file of a package's distribution (send_from_directory refuses paths leaving it)."""
    if not dist.is_dir():
        abort(404)
    return send_from_directory(dist, filename, max_age=PACKAGE_MAX_AGE)


@blueprint.get("/static/dsfr/<path:filename>")
def dsfr_asset(filename: str):
    return _package_file(DSFR_DIST, filename)


@blueprint.get("/static/dsfr-chart/<path:filename>")
def dsfr_chart_asset(filename: str):
    return _package_file(DSFR_CHART_DIST, filename)


@blueprint.get("/static/leaflet/<path:filename>")
def leaflet_asset(filename: str):
    return _package_file(LEAFLET_DIST, filename)


@blueprint.app_context_processor
def design_system() -> dict:
    return {"dsfr_available": dsfr_available()}
