"""SQLAlchemy models: the relational database is the source of truth."""

from datetime import UTC, date, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    and_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored instant, aware: SQLite gives back naive datetimes (stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ListingMixin:
    """What every listing carries besides its data·inclusion fields."""

    source: Mapped[str] = mapped_column(String(100))
    nom: Mapped[str] = mapped_column(String(150))
    description: Mapped[str | None] = mapped_column(Text)
    lien_source: Mapped[str | None] = mapped_column(String(500))
    date_maj: Mapped[date] = mapped_column(Date)
    commune: Mapped[str | None] = mapped_column(String(100))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    code_insee: Mapped[str | None] = mapped_column(String(5))
    adresse: Mapped[str | None] = mapped_column(String(500))
    complement_adresse: Mapped[str | None] = mapped_column(String(500))
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    telephone: Mapped[str | None] = mapped_column(String(30))
    courriel: Mapped[str | None] = mapped_column(String(320))
    horaires_accueil: Mapped[str | None] = mapped_column(String(500))

    statut_publication: Mapped[str] = mapped_column(String(20), default="publie")
    verifie_le: Mapped[date | None] = mapped_column(Date)
    frequence_maj: Mapped[str] = mapped_column(String(20), default="semestrielle")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        """Every UPDATE checks and bumps the revision: a stale write fails, never overwrites."""
        return {"version_id_col": cls.__table__.c.revision}


class Structure(ListingMixin, db.Model):
    __tablename__ = "structures"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    site_web: Mapped[str | None] = mapped_column(String(500))
    accessibilite_lieu: Mapped[str | None] = mapped_column(String(500))
    reseaux_porteurs: Mapped[list | None] = mapped_column(JSON)
    signataire: Mapped[bool] = mapped_column(Boolean, default=False)
    # A structure created by an editor waits for a coordinator's approval before it shows.
    approuvee: Mapped[bool] = mapped_column(Boolean, default=True)
    # data·inclusion's known duplicates of this structure, as its API lists them:
    # [{"source": …, "id": …}, …] (see services/datainclusion.py, exclure_doublons).
    doublons: Mapped[list | None] = mapped_column(JSON)

    services: Mapped[list["Service"]] = relationship(
        back_populates="structure", order_by="Service.nom"
    )

    @hybrid_property
    def is_published(self) -> bool:
        """Public: published by its partner and approved by the coordination (also in SQL)."""
        return self.statut_publication == "publie" and self.approuvee

    @is_published.inplace.expression
    @classmethod
    def _is_published_expression(cls):
        return and_(cls.statut_publication == "publie", cls.approuvee)


class Service(ListingMixin, db.Model):
    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    type: Mapped[str | None] = mapped_column(String(50))
    thematiques: Mapped[list | None] = mapped_column(JSON)
    frais: Mapped[str | None] = mapped_column(String(20))
    frais_precisions: Mapped[str | None] = mapped_column(Text)
    publics: Mapped[list | None] = mapped_column(JSON)
    publics_precisions: Mapped[str | None] = mapped_column(Text)
    conditions_acces: Mapped[str | None] = mapped_column(Text)
    modes_accueil: Mapped[list | None] = mapped_column(JSON)
    zone_eligibilite: Mapped[list | None] = mapped_column(JSON)
    contact_nom_prenom: Mapped[str | None] = mapped_column(String(200))
    lien_mobilisation: Mapped[str | None] = mapped_column(String(500))
    modes_mobilisation: Mapped[list | None] = mapped_column(JSON)
    mobilisable_par: Mapped[list | None] = mapped_column(JSON)
    mobilisation_precisions: Mapped[str | None] = mapped_column(Text)
    volume_horaire_hebdomadaire: Mapped[float | None] = mapped_column(Float)
    nombre_semaines: Mapped[int | None] = mapped_column(Integer)
    # data·inclusion's quality score (0–1) of an imported service; none for our partners'.
    score_qualite: Mapped[float | None] = mapped_column(Float)

    # Paris extension
    niveau_francais_min: Mapped[str | None] = mapped_column(String(5))
    niveau_francais_max: Mapped[str | None] = mapped_column(String(5))
    statuts_sejour: Mapped[list] = mapped_column(JSON, default=list)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    rqth_requise: Mapped[bool] = mapped_column(Boolean, default=False)
    langues_parlees: Mapped[list] = mapped_column(JSON, default=list)

    structure: Mapped[Structure] = relationship(back_populates="services")

    @property
    def is_visible(self) -> bool:
        """Whether the public sees it: published, in a published structure."""
        return self.statut_publication == "publie" and self.structure.is_published

    @hybrid_property
    def version(self) -> int:
        """Grows with every change of the service or of its structure (also in SQL): what an
        index or a cache holds of it is current while its version is."""
        return self.revision + self.structure.revision

    @version.inplace.expression
    @classmethod
    def _version_expression(cls):
        own_structure = select(Structure.revision).where(Structure.id == cls.structure_id)
        return cls.revision + own_structure.scalar_subquery()


class SearchOutbox(db.Model):
    """A service whose index entry is due: written in the transaction of the change itself,
    deleted once every index has it, so a change made while an index is down is not lost."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


# An orienteur (OFII auditor, SPE adviser, social worker) sends referrals from its structures.
ROLES = ("admin", "editor", "orienteur", "reader")


class Membership(db.Model):
    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), primary_key=True)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    nom: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="reader")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Stored in each session at sign-in; bumped by a sign-out, a password change or reset,
    # which so ends every earlier session of the account, in every browser.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    structures: Mapped[list[Structure]] = relationship(
        secondary="memberships", order_by="Structure.nom"
    )

    @property
    def structure_ids(self) -> set[str]:
        return {structure.id for structure in self.structures}


class ApiToken(db.Model):
    """A machine's access as an account (``Authorization: Bearer …``): only its SHA-256 is
    stored; revoked tokens stay listed, with their last use."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class AuditEntry(db.Model):
    """One field of one listing changed: who, when, from what to what."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(320))
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100))
    old_value: Mapped[object | None] = mapped_column(JSON)
    new_value: Mapped[object | None] = mapped_column(JSON)

    __table_args__ = (db.Index("audit_entity", "entity_type", "entity_id", "revision"),)


class LoginAttempt(db.Model):
    """Failed logins, counted per account and per client address to throttle guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


class PasswordResetToken(db.Model):
    """A reset link, stored hashed; spent when used, or revoked by a newer link or a sign-in
    (``used_at`` set either way)."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Referral(db.Model):
    """A person oriented by a partner (the sending structure) to a service, with her consent.

    The personal fields (first name, contact, note) are erased by the purge a set number of
    days after the last change of state; the row stays, anonymised, for the figures."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    # The service's structure when sent: the figures keep it if the service moves.
    receiving_structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    sending_structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    frein: Mapped[str] = mapped_column(String(100))  # a catégorie slug
    state: Mapped[str] = mapped_column(String(20), index=True)
    refusal_motive: Mapped[str | None] = mapped_column(String(40))
    state_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Personal data: erased by the purge.
    prenom: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(320))
    note: Mapped[str | None] = mapped_column(String(500))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    service: Mapped[Service] = relationship()
    receiving_structure: Mapped[Structure] = relationship(foreign_keys=[receiving_structure_id])
    sending_structure: Mapped[Structure] = relationship(foreign_keys=[sending_structure_id])
    sender: Mapped[User | None] = relationship()
    events: Mapped[list["ReferralEvent"]] = relationship(
        back_populates="referral", order_by="ReferralEvent.id"
    )

    # Two answers at once: the second one's UPDATE finds a newer revision and fails.
    __mapper_args__: ClassVar[dict] = {"version_id_col": revision}


class ReferralEvent(db.Model):
    """One change of a referral's state: when, by whom, to what (and the refusal's motive)."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    state: Mapped[str] = mapped_column(String(20))
    motive: Mapped[str | None] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(320))

    referral: Mapped[Referral] = relationship(back_populates="events")


class UsageEvent(db.Model):
    """One search (first page) or orientation page opened: the day and the filters only, never
    the free text, an address or a person's profile, never who or from where."""

    __tablename__ = "usage_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "recherche" | "orientation"
    filters: Mapped[dict] = mapped_column(JSON, default=dict)  # {field: [values]}
    results: Mapped[int | None] = mapped_column(Integer)
