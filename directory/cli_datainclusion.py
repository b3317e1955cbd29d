"""``directory datainclusion sync``: the listings of data·inclusion's sources in a département,
brought up to date from its API (services/datainclusion_sync.py)."""

import re

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .cli_reports import report_left_out
from .services import datainclusion_sync as di

DEPARTEMENT = re.compile(r"\d{2,3}|2[AB]")
LABELS = {"structure": _l("Structures"), "service": _l("Services")}


@click.group("datainclusion")
def datainclusion_group() -> None:
    """Exchanges with data·inclusion."""


def _show_page(kind: str, page: di.Page) -> None:
    click.echo(
        _(
            "%(label)s : page %(page)s/%(pages)s (%(count)s fiche(s))",
            label=LABELS[kind],
            page=page.number,
            pages=page.pages or "?",
            count=len(page.items),
        ),
        err=True,
    )


def _show_report(report: di.SyncReport) -> None:
    report_left_out(report.ignored, report.dropped)
    for error in report.refused:
        click.echo(_("ERREUR %(error)s", error=error), err=True)
    for kind, label in LABELS.items():
        click.echo(
            _(
                "%(label)s : %(created)s créé(e)s, %(updated)s mis(es) à jour, "
                "%(unchanged)s inchangé(e)s",
                label=label,
                created=report.outcome["created"][kind],
                updated=report.outcome["updated"][kind],
                unchanged=report.outcome["unchanged"][kind],
            )
            + _(", %(archived)s archivé(e)s", archived=report.archived[kind])
        )
    for kind in report.unsure:
        click.echo(
            _(
                "%(label)s : rien n'est archivé, data·inclusion n'a rendu aucune fiche ou sa liste "
                "a changé pendant la lecture ; relancez plus tard.",
                label=LABELS[kind],
            ),
            err=True,
        )
    if report.refused:
        click.echo(
            _(
                "%(count)s fiche(s) refusée(s), non synchronisée(s) (voir plus haut).",
                count=len(report.refused),
            ),
            err=True,
        )


def _departement(_context, _parameter, value: str) -> str:
    if not DEPARTEMENT.fullmatch(value):
        raise click.BadParameter(_("Code de département attendu, par ex. 75, 2A ou 974."))
    return value


def _listed(sources: tuple[str, ...]) -> list[str]:
    """--sources a --sources b, or --sources a,b."""
    return [source.strip() for value in sources for source in value.split(",") if source.strip()]


@datainclusion_group.command("sync")
@click.option(
    "--departement", required=True, callback=_departement, help="Code du département, par ex. 75."
)
@click.option(
    "--sources",
    multiple=True,
    help="Sources de data·inclusion à synchroniser (répétable, ou séparées par des "
    "virgules) ; par défaut, toutes.",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 10000),
    default=di.PAGE_SIZE,
    show_default=True,
    help="Fiches demandées par page.",
)
@with_appcontext
def sync_command(departement: str, sources: tuple[str, ...], page_size: int) -> None:
    """Bring the structures and services of data·inclusion in DEPARTEMENT up to date, page
    by page; archive what disappeared upstream once every page is read."""
    from .cli import _update_index  # cli imports this module to register its commands

    api = di.DataInclusionApi(
        current_app.config["DATAINCLUSION_URL"], current_app.config["DATAINCLUSION_TOKEN"]
    )
    try:
        report = di.sync(api, departement, _listed(sources), page_size, progress=_show_page)
    except di.SyncError as error:
        _update_index()
        raise click.ClickException(
            _(
                "Synchronisation interrompue : %(error)s Les pages déjà lues sont enregistrées "
                "et rien n'est archivé ; relancez la commande pour la terminer.",
                error=error,
            )
        ) from error
    _update_index()
    _show_report(report)


COMMANDS = (datainclusion_group,)
