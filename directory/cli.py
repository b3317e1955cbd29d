"""Command-line interface: ``directory init-db | seed | import | export | reindex | run``."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from . import cli_accounts
from .extensions import db
from .models import Service, Structure
from .services import transfer
from .services.indexing import pending_count, rebuild_index, search_backend, sync_outbox


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database tables and the search index (keeps existing data)."""
    db.create_all()
    search_backend().create_schema()
    click.echo(_("Base prête : %(url)s", url=db.engine.url.render_as_string(hide_password=True)))


def _import(paths: list[str], dry_run: bool) -> None:
    raw_records, errors = transfer.read_files(paths)
    with click.progressbar(length=len(raw_records), label=_("Validation"), file=sys.stderr) as bar:
        plan = transfer.validate(raw_records, progress=bar.update)
    plan.errors[:0] = errors
    if not plan.ok:
        for error in plan.errors:
            click.echo(_("ERREUR %(error)s", error=error), err=True)
        raise click.ClickException(
            _(
                "%(count)s erreur(s) : rien n'a été importé. Corrigez puis relancez.",
                count=len(plan.errors),
            )
        )
    counts = {kind: len(records) for kind, records in plan.records.items()}
    if dry_run:
        click.echo(
            _(
                "Vérification réussie (rien n'est écrit) : %(structures)s structure(s), "
                "%(services)s service(s).",
                structures=counts["structure"],
                services=counts["service"],
            )
        )
        return
    report = transfer.apply(plan)
    if report.index_error:
        click.echo(
            _(
                "Attention : l'index de recherche n'a pas pu être mis à jour (%(error)s). "
                "Les changements sont enregistrés et en file : `directory index sync`.",
                error=report.index_error,
            ),
            err=True,
        )
    for kind, label in (("structure", _("Structures")), ("service", _("Services"))):
        click.echo(
            _(
                "%(label)s : %(created)s créé(e)s, %(updated)s mis(es) à jour, "
                "%(unchanged)s inchangé(e)s",
                label=label,
                created=report.created[kind],
                updated=report.updated[kind],
                unchanged=report.unchanged[kind],
            )
        )


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Valider seulement, sans rien écrire.")
@with_appcontext
def import_command(paths: tuple[str, ...], dry_run: bool) -> None:
    """Import data·inclusion JSON files (structures and services), all or nothing."""
    _import(list(paths), dry_run)


@click.command("seed")
@click.option("--force", is_flag=True, help="Recharger même si la base contient déjà des données.")
@with_appcontext
def seed_command(force: bool) -> None:
    """Create the tables and load the sample data of seed_data/ into an empty database."""
    db.create_all()
    search_backend().create_schema()
    if not force and db.session.scalar(select(func.count()).select_from(Structure)):
        click.echo(
            _("La base contient déjà des données : rien n'est chargé (--force pour recharger).")
        )
        return
    seed_dir = Path(current_app.config["SEED_DATA_DIR"])
    _import([str(seed_dir / "structures.json"), str(seed_dir / "services.json")], dry_run=False)


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def export_command(directory: str) -> None:
    """Export every structure and service to DIRECTORY/structures.json and services.json."""
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
    # Each index (the embedded one behind Elasticsearch too) reads every service once.
    passes = len(search_backend().backends)
    total = db.session.scalar(select(func.count()).select_from(Service)) * passes
    with click.progressbar(length=total, label=_("Indexation"), file=sys.stderr) as bar:
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
    for command in (*commands, index_group, *cli_accounts.COMMANDS):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="Annuaire des partenaires (protocole parisien).")
