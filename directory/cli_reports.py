"""What the import and the data·inclusion sync say of the records they read leniently."""

from collections import Counter

import click
from flask_babel import gettext as _


def _counts(counter) -> str:
    return ", ".join(f"{name} ({count})" for name, count in sorted(counter.items()))


def report_left_out(ignored: Counter, dropped: Counter) -> None:
    """Name once each field left out of the records (not in the schemas), and each field
    whose values were left out (refused only by our stricter checks), with a count."""
    if ignored:
        click.echo(
            _(
                "Champs hors schéma ignorés (nombre d'enregistrements) : %(fields)s",
                fields=_counts(ignored),
            ),
            err=True,
        )
    if dropped:
        click.echo(
            _(
                "Valeurs écartées (non conformes à l'annuaire) : %(fields)s",
                fields=_counts(dropped),
            ),
            err=True,
        )
