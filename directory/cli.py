"""Command-line interface: ``directory init-db | seed | import | reindex | run | serve``…"""

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from . import cli_accounts, cli_backup, cli_datainclusion, cli_referrals, cli_stats
from .cli_reports import report_left_out
from .database import upgrade_to_head
from .extensions import db
from .models import Structure
from .services import hsds, transfer
from .services.indexing import (
    index_queued,
    pending_count,
    rebuild_index,
    rebuild_needed,
    search_backend,
    sync_outbox,
    visible_services_query,
)

# Bars that advance one record at a time are drawn again every this many records.
RENDER_STEPS = 200


def _prepare_database() -> None:
    """Upgrade the database to the newest migration and create the search index."""
    upgrade_to_head()
    search_backend().create_schema()


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Upgrade the database to the newest migration (`db upgrade`) and create the search
    index (keeps existing data)."""
    _prepare_database()
    click.echo(_("Base prête : %(url)s", url=db.engine.url.render_as_string(hide_password=True)))


def _counting_bar(label: str):
    """A progress bar for a pass whose total is unknown: a moving mark and a count (what
    click draws for an iterable of unknown length, here never iterated)."""
    unknown_length = (item for item in ())
    return click.progressbar(
        unknown_length, label=label, show_pos=True, update_min_steps=RENDER_STEPS, file=sys.stderr
    )


def _indexing_bar():
    """A progress bar for a rebuild of every index: one step per visible service."""
    visible = select(func.count()).select_from(visible_services_query().subquery())
    length = db.session.scalar(visible)
    return click.progressbar(
        length=length, label=_("Indexation"), update_min_steps=RENDER_STEPS, file=sys.stderr
    )


# Where --skip-invalid writes the rejected records when --report does not say.
DEFAULT_REPORT = "import-rejets.json"


def _report_errors(plan: transfer.ImportPlan, skip_invalid: bool, report: str | None) -> None:
    """Each error on a line and, when asked, the rejected records in the report file; stop
    unless the invalid records may be skipped (and every file could be read)."""
    for error in plan.errors:
        click.echo(_("ERREUR %(error)s", error=error), err=True)
    if report:
        rejected = transfer.write_report(report, plan.errors)
        click.echo(
            _(
                "%(count)s enregistrement(s) refusé(s), détaillés dans %(path)s (JSON).",
                count=rejected,
                path=report,
            ),
            err=True,
        )
    if not (skip_invalid and plan.readable):
        raise click.ClickException(
            _(
                "%(count)s erreur(s) : rien n'a été importé. Corrigez puis relancez.",
                count=len(plan.errors),
            )
        )


def _validate(paths: list[str], skip_invalid: bool, report: str | None) -> transfer.ImportPlan:
    with _counting_bar(_("Validation")) as bar:
        plan = transfer.validate(transfer.JsonFiles(paths), progress=bar.update, lenient=True)
    report_left_out(plan.ignored, plan.dropped)
    if not plan.ok:
        _report_errors(plan, skip_invalid, report or (DEFAULT_REPORT if skip_invalid else None))
    return plan


def _write(plan: transfer.ImportPlan, skip_invalid: bool) -> dict[str, dict[str, int]]:
    total = sum(plan.valid_counts.values())
    with click.progressbar(length=total, label=_("Écriture"), file=sys.stderr) as bar:
        return transfer.write(plan, progress=bar.update, skip_invalid=skip_invalid)


def _update_index() -> None:
    if rebuild_needed():
        with _indexing_bar() as bar:
            error = index_queued(progress=bar.update)
    else:
        error = index_queued()
    if error:
        click.echo(
            _(
                "Attention : l'index de recherche n'a pas pu être mis à jour (%(error)s). "
                "Les changements sont enregistrés et en file : `directory index sync`.",
                error=error,
            ),
            err=True,
        )


def _import(
    paths: list[str], dry_run: bool, skip_invalid: bool = False, report: str | None = None
) -> None:
    plan = _validate(paths, skip_invalid, report)
    if dry_run:
        click.echo(
            _(
                "Vérification réussie (rien n'est écrit) : %(structures)s structure(s), "
                "%(services)s service(s).",
                structures=plan.valid_counts["structure"],
                services=plan.valid_counts["service"],
            )
        )
        return
    outcome = _write(plan, skip_invalid)
    _update_index()
    for kind, label in (("structure", _("Structures")), ("service", _("Services"))):
        click.echo(
            _(
                "%(label)s : %(created)s créé(e)s, %(updated)s mis(es) à jour, "
                "%(unchanged)s inchangé(e)s",
                label=label,
                created=outcome["created"][kind],
                updated=outcome["updated"][kind],
                unchanged=outcome["unchanged"][kind],
            )
        )


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Valider seulement, sans rien écrire.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Importer les enregistrements valides et écarter les autres (voir --report).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, writable=True),
    help=f"Fichier JSON des enregistrements refusés et de leurs erreurs "
    f"(avec --skip-invalid : {DEFAULT_REPORT} par défaut).",
)
@with_appcontext
def import_command(
    paths: tuple[str, ...], dry_run: bool, skip_invalid: bool, report: str | None
) -> None:
    """Import data·inclusion JSON files (lists of records, {structures, services}, or pages
    {items} of the data·inclusion API), all or nothing unless --skip-invalid. Fields outside
    the schemas (adresse_certifiee, _di_*…) are left out and counted, URLs percent-encoded,
    as the official data·inclusion model reads them; a value it accepts and only our
    stricter checks refuse (free-text hours…) is left out and counted."""
    _import(list(paths), dry_run, skip_invalid, report)


@click.command("seed")
@click.option("--force", is_flag=True, help="Recharger même si la base contient déjà des données.")
@with_appcontext
def seed_command(force: bool) -> None:
    """Upgrade the database and load the sample data of seed_data/ into an empty one."""
    _prepare_database()
    if not force and db.session.scalar(select(func.count()).select_from(Structure)):
        click.echo(
            _("La base contient déjà des données : rien n'est chargé (--force pour recharger).")
        )
        return
    seed_dir = Path(current_app.config["SEED_DATA_DIR"])
    _import([str(seed_dir / "structures.json"), str(seed_dir / "services.json")], dry_run=False)


EXPORT_FORMATS = ("datainclusion", "hsds")


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--format",
    "export_format",
    type=click.Choice(EXPORT_FORMATS),
    default="datainclusion",
    show_default=True,
    help="datainclusion : tout, réimportable ; hsds : ce qui est publié, en HSDS 3.0.",
)
@with_appcontext
def export_command(directory: str, export_format: str) -> None:
    """Export every structure and service to DIRECTORY/structures.json and services.json
    (data·inclusion), or what is published to DIRECTORY/organizations.json and
    services.json (HSDS 3.0, Open Referral)."""
    if export_format == "hsds":
        counts = hsds.export_to(directory)
        click.echo(
            _(
                "%(organizations)s organisation(s) et %(services)s service(s) exportés en "
                "HSDS 3.0 dans %(dir)s",
                organizations=counts["organization"],
                services=counts["service"],
                dir=directory,
            )
        )
        return
    counts = transfer.export_to(directory)
    click.echo(
        _(
            "%(structures)s structure(s) et %(services)s service(s) exportés dans %(dir)s",
            structures=counts["structure"],
            services=counts["service"],
            dir=directory,
        )
    )


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database."""
    search_backend().create_schema()
    with _indexing_bar() as bar:
        indexed = rebuild_index(progress=bar.update)
    click.echo(
        _(
            "%(count)s service(s) publiés indexés (%(backend)s).",
            count=indexed,
            backend=search_backend().name,
        )
    )


@click.group("index")
def index_group() -> None:
    """Search index maintenance."""


@index_group.command("sync")
@with_appcontext
def index_sync_command() -> None:
    """Index the changes still queued (made while the search index was unreachable)."""
    pending = pending_count()
    report = sync_outbox()
    if report.error:
        raise click.ClickException(
            _(
                "%(pending)s changement(s) toujours en file : %(error)s",
                pending=report.pending,
                error=report.error,
            )
        )
    click.echo(
        _(
            "%(indexed)s service(s) indexé(s) ; %(pending)s changement(s) étaient en file.",
            indexed=report.indexed,
            pending=pending,
        )
    )


def register(app: Flask) -> None:
    commands = (init_db_command, seed_command, import_command, export_command, reindex_command)
    for command in (
        *commands,
        index_group,
        *cli_accounts.COMMANDS,
        *cli_backup.COMMANDS,
        *cli_stats.COMMANDS,
        *cli_referrals.COMMANDS,
        *cli_datainclusion.COMMANDS,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="Annuaire des partenaires (protocole parisien).")

GUNICORN_CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"


@main.command("serve", context_settings={"ignore_unknown_options": True}, add_help_option=False)
@click.argument("gunicorn_options", nargs=-1, type=click.UNPROCESSED)
def serve_command(gunicorn_options: tuple[str, ...]) -> None:
    """Serve with gunicorn, the production server: deploy/gunicorn.conf.py, then
    GUNICORN_OPTIONS (e.g. --bind 0.0.0.0:8000 --workers 3; --help lists them)."""
    command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG)]
    os.execv(sys.executable, [*command, *gunicorn_options])
