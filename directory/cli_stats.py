"""Figure commands: ``directory stats coverage|freshness|usage|referrals`` and ``directory
stats copil`` (the steering committee's PDF report)."""

import csv
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError

from . import referentials as ref
from .schemas.messages import flatten_errors
from .services import copil, figures, referral_figures, usage_figures
from .services.fiche import today


@click.group("stats")
def stats_group() -> None:
    """The steering committee's figures, as aligned text or CSV."""


@stats_group.command("coverage")
@click.option("--niveau", type=click.Choice(list(ref.NIVEAUX_FRANCAIS)), help="Niveau de français.")
@click.option("--langue", help="Langue parlée (code ISO 639).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV sur la sortie standard.")
@with_appcontext
def coverage_command(niveau: str | None, langue: str | None, as_csv: bool) -> None:
    """Published services per catégorie (slug) and arrondissement (1 … 20)."""
    try:
        table = figures.coverage(niveau, langue)
    except ValidationError as error:
        raise click.ClickException(str(flatten_errors(error.messages))) from error
    csv_text = figures.coverage_csv(table)
    click.echo(csv_text if as_csv else _aligned(csv_text), nl=not as_csv)


@stats_group.command("freshness")
@click.option("--csv", "as_csv", is_flag=True, help="CSV sur la sortie standard.")
@with_appcontext
def freshness_command(as_csv: bool) -> None:
    """Listings up to date, due and overdue for review, per structure and overall."""
    csv_text = figures.freshness_csv(*figures.freshness())
    click.echo(csv_text if as_csv else _aligned(csv_text), nl=not as_csv)


def _period(context: click.Context, start: datetime | None, end: datetime | None):
    """The range of --from and --to (by default the last six months to today)."""
    default = figures.DateRange.last_months(today())
    period = figures.DateRange(
        start.date() if start else default.start, end.date() if end else default.end
    )
    if period.end < period.start:
        raise click.BadParameter(
            "la date de fin précède la date de début.", context, param_hint="'--to'"
        )
    return period


def _range_options(command):
    """--from and --to, days as YYYY-MM-DD (a bad one is an error naming its option)."""
    day = click.DateTime(formats=["%Y-%m-%d"])
    command = click.option("--to", "end", type=day, help="Dernier jour (AAAA-MM-JJ).")(command)
    return click.option("--from", "start", type=day, help="Premier jour (AAAA-MM-JJ).")(command)


@stats_group.command("copil")
@_range_options
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Fichier PDF à écrire.",
)
@click.pass_context
@with_appcontext
def copil_command(context, start, end, output: Path) -> None:
    """The steering committee's report for the range, as a PDF file."""
    period = _period(context, start, end)
    # The report's stylesheet is addressed like a page's: a request to the site's root.
    with current_app.test_request_context("/"):
        output.write_bytes(copil.report_pdf(period, today()))
    click.echo(f"{output} ({period.start.isoformat()} – {period.end.isoformat()})")


@stats_group.command("usage")
@_range_options
@click.option(
    "--table",
    type=click.Choice(list(usage_figures.CSV_TABLES)),
    help="Une seule des tables (toutes par défaut, chacune après une ligne « # nom »).",
)
@click.option("--csv", "as_csv", is_flag=True, help="CSV sur la sortie standard.")
@click.pass_context
@with_appcontext
def usage_command(context, start, end, table: str | None, as_csv: bool) -> None:
    """Searches per day, per filter value, without result; orientation pages per barrier."""
    period = _period(context, start, end)
    for name in [table] if table else usage_figures.CSV_TABLES:
        if not table:
            click.echo(f"# {name}")
        csv_text = usage_figures.CSV_TABLES[name](period)
        click.echo(csv_text if as_csv else _aligned(csv_text) + "\n", nl=not as_csv)
        if not table and as_csv:
            click.echo()


@stats_group.command("referrals")
@_range_options
@click.option(
    "--by",
    "by",
    type=click.Choice([g.cli_name for g in referral_figures.GROUPINGS.values()]),
    default=referral_figures.GROUPINGS[referral_figures.DEFAULT_GROUPING].cli_name,
    show_default=True,
    help="Regroupement : structure qui oriente, qui accueille, frein ou mois.",
)
@click.option("--csv", "as_csv", is_flag=True, help="CSV sur la sortie standard.")
@click.pass_context
@with_appcontext
def referrals_command(context, start, end, by: str, as_csv: bool) -> None:
    """Referrals sent within the range and what became of them, grouped as --by says."""
    period = _period(context, start, end)
    grouping = next(g for g in referral_figures.GROUPINGS.values() if g.cli_name == by)
    csv_text = referral_figures.referral_figures_csv(referral_figures.outcomes(period), grouping)
    click.echo(csv_text if as_csv else _aligned(csv_text), nl=not as_csv)


def _aligned(csv_text: str) -> str:
    """The same table as the CSV, its columns padded: text left, numbers right."""
    rows = list(csv.reader(csv_text.splitlines()))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.rjust(width) if cell.isdigit() else cell.ljust(width)
            for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )


COMMANDS = (stats_group,)
