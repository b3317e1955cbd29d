"""Account commands: ``directory users …``, ``directory tokens …``, ``directory reset-link``,
``directory reminders``."""

from collections import defaultdict

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from .extensions import db
from .models import ROLES, Membership, Structure, User
from .schemas.messages import flatten_errors
from .services import accounts, tokens
from .services.editing import due_for_review, review_due_on
from .services.mail import mail_configured, send_mail


def _user(email: str) -> User:
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(_("Aucun compte pour %(email)s.", email=email))
    return user


def _structure(structure_id: str) -> Structure:
    structure = db.session.get(Structure, structure_id)
    if structure is None:
        raise click.ClickException(_("Structure « %(id)s » inconnue.", id=structure_id))
    return structure


@click.group("users")
def users_group() -> None:
    """Accounts and their roles (admin, editor, orienteur, reader)."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="reader", show_default=True)
@click.option("--nom", default="")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Demandé s'il n'est pas donné (au moins 12 caractères).",
)
@with_appcontext
def create_user_command(email: str, role: str, nom: str, password: str) -> None:
    """Create an account."""
    try:
        user = accounts.create_user(email, password, role, nom)
    except ValidationError as error:
        messages = "; ".join(
            f"{k} : {' '.join(v)}" for k, v in flatten_errors(error.messages).items()
        )
        raise click.ClickException(messages) from error
    click.echo(_("Compte créé : %(email)s (%(role)s)", email=user.email, role=user.role))


@users_group.command("list")
@with_appcontext
def list_users_command() -> None:
    """List accounts, their role and structures."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "" if user.active else _(" (désactivé)")
        structures = ", ".join(sorted(user.structure_ids)) or "-"
        click.echo(f"{user.email}\t{user.role}{state}\t{structures}")


@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def set_role_command(email: str, role: str) -> None:
    """Change an account's role."""
    user = _user(email)
    user.role = role
    db.session.commit()
    click.echo(_("%(email)s est maintenant %(role)s.", email=user.email, role=role))


@users_group.command("add-member")
@click.argument("email")
@click.argument("structure_id")
@with_appcontext
def add_member_command(email: str, structure_id: str) -> None:
    """Let an editor maintain a structure."""
    user, structure = _user(email), _structure(structure_id)
    if structure.id not in user.structure_ids:
        db.session.add(Membership(user_id=user.id, structure_id=structure.id))
        db.session.commit()
    click.echo(_("%(email)s gère « %(nom)s ».", email=user.email, nom=structure.nom))


@users_group.command("remove-member")
@click.argument("email")
@click.argument("structure_id")
@with_appcontext
def remove_member_command(email: str, structure_id: str) -> None:
    """Withdraw an editor from a structure."""
    user = _user(email)
    membership = db.session.get(Membership, (user.id, structure_id))
    if membership is not None:
        db.session.delete(membership)
        db.session.commit()
    click.echo(_("%(email)s ne gère plus « %(id)s ».", email=user.email, id=structure_id))


@click.command("reset-link")
@click.argument("email")
@with_appcontext
def reset_link_command(email: str) -> None:
    """Print a one-time password-reset link (when no SMTP server is configured)."""
    token = accounts.start_password_reset(email)
    if token is None:
        raise click.ClickException(_("Aucun compte actif pour %(email)s.", email=email))
    click.echo(f"{current_app.config['BASE_URL']}/admin/reinitialiser/{token}")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens: a script acts as an account (``Authorization: Bearer …``)."""


@tokens_group.command("create")
@click.argument("email")
@click.option("--label", required=True, help="À quoi sert le jeton (ex. « synchro DORA »).")
@with_appcontext
def create_token_command(email: str, label: str) -> None:
    """Create a token for an account and print it, once: it is stored hashed."""
    try:
        row, token = tokens.create_token(_user(email), label)
    except ValidationError as error:
        raise click.ClickException(" ".join(error.messages["label"])) from error
    click.echo(_("Jeton n° %(id)s créé pour %(email)s.", id=row.id, email=email))
    click.echo(_("Conservez-le maintenant : il ne sera plus affiché."))
    click.echo(token)


def _last_use(row) -> str:
    return f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else _("jamais utilisé")


@tokens_group.command("list")
@click.argument("email", required=False)
@with_appcontext
def list_tokens_command(email: str | None) -> None:
    """List the tokens (of an account): number, account, label, creation, last use."""
    for row in tokens.tokens(_user(email) if email else None):
        state = _(" (révoqué)") if row.revoked_at else ""
        click.echo(
            f"{row.id}\t{row.user.email}\t{row.label}{state}\t"
            f"{row.created_at:%Y-%m-%d}\t{_last_use(row)}"
        )


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token_command(token_id: int) -> None:
    """Revoke a token (its number in ``directory tokens list``) for good."""
    if tokens.revoke_token(token_id) is None:
        raise click.ClickException(_("Aucun jeton n° %(id)s.", id=token_id))
    click.echo(_("Jeton n° %(id)s révoqué.", id=token_id))


def _due_by_editor() -> dict[User, list]:
    due = defaultdict(list)
    editors = db.session.scalars(select(User).where(User.role == "editor", User.active))
    for editor in editors:
        if editor.structure_ids:
            due[editor] = due_for_review(editor.structure_ids)
    return {editor: listings for editor, listings in due.items() if listings}


@click.command("reminders")
@click.option("--send", is_flag=True, help="Envoyer les courriels (SMTP configuré).")
@with_appcontext
def reminders_command(send: bool) -> None:
    """List the editors whose listings are due for review, and e-mail them with --send."""
    if send and not mail_configured():
        raise click.ClickException(_("Aucun serveur SMTP configuré (DIRECTORY_SMTP_HOST)."))
    for editor, listings in _due_by_editor().items():
        lines = [
            f"- {item.nom} ({_('à revoir depuis le')} {review_due_on(item):%d/%m/%Y})"
            for item in listings
        ]
        click.echo(f"{editor.email} : {len(listings)}")
        click.echo("\n".join(lines))
        if send:
            body = _(
                "Bonjour,\n\nCes fiches de l'annuaire sont à vérifier :\n\n%(lines)s\n\n"
                "%(url)s/admin/\n",
                lines="\n".join(lines),
                url=current_app.config["BASE_URL"],
            )
            send_mail(editor.email, _("Annuaire : fiches à vérifier"), body)


COMMANDS = (users_group, tokens_group, reset_link_command, reminders_command)
