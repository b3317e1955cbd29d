"""Figure commands: ``directory stats coverage``, ``directory stats freshness`` and
``directory stats copil`` (the steering committee's PDF report)."""

import csv
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from . import referentials as ref
from .schemas.copil import parse_period
from .schemas.messages import flatten_errors
from .services import copil, figures


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


@stats_group.command("copil")
@click.option("--from", "start", help="Début de la période (AAAA-MM-JJ ; six mois avant la fin).")
@click.option("--to", "end", help="Fin de la période (AAAA-MM-JJ ; aujourd'hui).")
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Fichier PDF à écrire.",
)
@with_appcontext
def copil_command(start: str | None, end: str | None, output: Path) -> None:
    """The steering committee's report, as a PDF file."""
    args = MultiDict((name, value) for name, value in (("du", start), ("au", end)) if value)
    try:
        period = parse_period(args)
    except ValidationError as error:
        options = {"du": "--from", "au": "--to"}
        problems = flatten_errors(error.messages).items()
        raise click.UsageError(
            " ".join(f"{options.get(key, key)}: {' '.join(texts)}" for key, texts in problems)
        ) from error
    # The report's stylesheet is addressed like a page's: a request to the site's root.
    with current_app.test_request_context("/"):
        output.write_bytes(copil.report_pdf(period, date.today()))
    click.echo(f"{output} ({period.start.isoformat()} – {period.end.isoformat()})")


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
