"""Referral commands: ``directory referrals purge`` (schedule it daily)."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .services import referrals


@click.group("referrals")
def referrals_group() -> None:
    """Referrals between partners."""


@referrals_group.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    help="Délai en jours depuis le dernier changement d'état (défaut : "
    "DIRECTORY_REFERRAL_RETENTION_DAYS, 180).",
)
@with_appcontext
def purge_command(days: int | None) -> None:
    """Erase the personal data of referrals past the retention delay (idempotent)."""
    erased = referrals.purge(days=days)
    click.echo(_("%(count)s orientation(s) anonymisée(s).", count=erased))


COMMANDS = (referrals_group,)
