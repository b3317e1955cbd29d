"""``directory backup DEST`` and ``directory restore SRC``: the whole database, saved and
brought back (services/backup.py)."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .services import backup


@click.command("backup")
@click.argument("destination", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(destination: Path) -> None:
    """Save the whole database (listings, accounts, audit history, referrals) to DESTINATION."""
    try:
        backup.backup(destination)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Sauvegarde écrite : %(path)s", path=destination))


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Sans demander de confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the whole database by the backup SOURCE, then rebuild the search indexes
    (with PostgreSQL, stop the server first)."""
    if not yes:
        question = _("Remplacer toute la base par la sauvegarde %(path)s ?", path=source)
        click.confirm(question, abort=True)
    try:
        indexed = backup.restore(source)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        _(
            "Base restaurée depuis %(path)s ; %(count)s service(s) indexé(s).",
            path=source,
            count=indexed,
        )
    )


COMMANDS = (backup_command, restore_command)
