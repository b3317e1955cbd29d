"""What the admin templates need to put values into words (admin pages only)."""

import re
from datetime import date, datetime

from flask import url_for
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _

from .. import hours
from .. import referentials as ref
from ..auth import current_user
from ..models import Service, Structure, User, as_utc, utcnow
from ..services import referrals
from ..services.audit import IMPORT_ACTOR
from ..services.editing import review_due_on
from ..services.permissions import can_create_structure
from . import blueprint, forms
from .access import may_moderate

# Referentials whose slugs the audit trail shows as labels.
REFERENTIAL_OF_FIELD = {
    "type": ref.TYPES,
    "frais": ref.FRAIS,
    "publics": ref.PUBLICS,
    "thematiques": ref.THEMATIQUES,
    "modes_accueil": ref.MODES_ACCUEIL,
    "modes_mobilisation": ref.MODES_MOBILISATION,
    "mobilisable_par": ref.MOBILISABLE_PAR,
    "statuts_sejour": ref.STATUTS_SEJOUR,
    "niveau_francais_min": ref.NIVEAUX_FRANCAIS,
    "niveau_francais_max": ref.NIVEAUX_FRANCAIS,
    "frequence_maj": ref.FREQUENCES_MAJ,
    "statut_publication": ref.STATUTS_PUBLICATION,
    "reseaux_porteurs": ref.RESEAUX_PORTEURS,
}
AUDIT_TEXT_LIMIT = 300
STATUS_BADGES = {"publie": "success", "brouillon": "info", "archive": "warning"}
REFERRAL_BADGES = {
    referrals.SENT: "new",
    referrals.RECEIVED: "info",
    referrals.ACCEPTED: "success",
    referrals.REFUSED: "error",
    referrals.KEPT: "success",
    referrals.MISSED: "warning",
}
# The roles that have referrals: editors receive them, orienteurs send them.
REFERRAL_ROLES = ("editor", "orienteur")


def field_label(name: str) -> str:
    return str(forms.LABELS.get(name, name))


def _value_label(field: str, value) -> str:
    if field == "langues_parlees":
        return ref.language_label(str(value))
    mapping = REFERENTIAL_OF_FIELD.get(field)
    return str(mapping.get(value, value)) if mapping else str(value)


def actor_label(actor: str) -> str:
    """Who made a change: an account's address, or the import of a file."""
    return _("import de fichier") if actor == IMPORT_ACTOR else actor


def audit_value(field: str, value) -> str:
    """An old or new value of the audit trail, in words and cut when long."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, list):
        return ", ".join(_value_label(field, item) for item in value)
    if field in ("date_maj", "verifie_le") and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value), "long")
        except ValueError:
            return value
    text = _value_label(field, value)
    return text if len(text) <= AUDIT_TEXT_LIMIT else text[: AUDIT_TEXT_LIMIT - 1] + "…"


def when(moment: datetime | None) -> str:
    return format_datetime(moment, "short") if moment else ""


def long_date(day: date | None) -> str:
    return format_date(day, "long") if day else "—"


def status_label(statut: str) -> str:
    return str(ref.STATUTS_PUBLICATION.get(statut, statut))


def status_badge(statut: str) -> str:
    return STATUS_BADGES.get(statut, "info")


def kind_label(listing: Service | Structure) -> str:
    return _("Service") if isinstance(listing, Service) else _("Structure")


def admin_url_of(listing: Service | Structure) -> str:
    if isinstance(listing, Service):
        return url_for("admin.service_edit", service_id=listing.id)
    return url_for("admin.structure_page", structure_id=listing.id)


def dom_id(*parts: str) -> str:
    """An element id from values such as 'A1.1' or 'famille--garde-denfants'."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(str(part) for part in parts)).strip("-")


def hours_preview(value: str | None) -> tuple[list[str], str | None]:
    """(the hours in words, why they cannot be read) for the hours field."""
    if not value or not value.strip():
        return [], None
    error = hours.parse_error(value.strip())
    return ([], error) if error else (hours.describe(value.strip()), None)


def days_since(moment: datetime, now: datetime | None = None) -> int:
    """Whole days from ``moment`` to now (SQLite gives back naive UTC datetimes)."""
    return max(0, ((now or utcnow()) - as_utc(moment)).days)


def waiting_text(since: datetime) -> str:
    """« depuis 3 jours »: how long a referral has waited for an answer."""
    days = days_since(since)
    if days == 0:
        return _("depuis aujourd'hui")
    return ngettext("depuis %(num)s jour", "depuis %(num)s jours", days)


def referral_counter(user: User | None):
    """The count the menu shows next to « Orientations »: what awaits an editor's answer."""
    if user is None or user.role != "editor":
        return None
    return referrals.waiting_count(user)


@blueprint.context_processor
def admin_helpers() -> dict:
    user = current_user()
    return {
        "field_label": field_label,
        "field_hint": lambda name: forms.HINTS.get(name),
        "choices": forms.choices,
        "proper_names": forms.PROPER_NAMES,
        "actor_label": actor_label,
        "thematiques_by_categorie": forms.thematiques_by_categorie,
        "other_field": forms.other_field,
        "audit_value": audit_value,
        "when": when,
        "admin_date": long_date,
        "status_label": status_label,
        "status_badge": status_badge,
        "kind_label": kind_label,
        "admin_url_of": admin_url_of,
        "review_due_on": review_due_on,
        "dom_id": dom_id,
        "hours_preview": hours_preview,
        "hours_grid": forms.hours_grid,
        "hours_grid_fits": lambda value: hours.week_of(value) is not None,
        "today": date.today(),
        "admin_user": user,
        "can_moderate": bool(user) and may_moderate(user),
        "can_create_structure": can_create_structure(user),
        "has_referrals": bool(user) and user.role in REFERRAL_ROLES,
        "referrals_waiting": lambda: referral_counter(user),
        "referral_state": lambda state: str(referrals.STATES.get(state, state)),
        "referral_badge": lambda state: REFERRAL_BADGES.get(state, "info"),
        "referral_motive": lambda motive: str(referrals.REFUSAL_MOTIVES.get(motive, motive)),
        "referral_frein": lambda slug: str(ref.CATEGORIES.get(slug, slug)),
        "waiting_text": waiting_text,
    }
