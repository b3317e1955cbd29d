"""Figure commands: ``directory stats coverage`` and ``directory stats freshness``."""

import csv

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError

from . import referentials as ref
from .schemas.messages import flatten_errors
from .services import figures


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
