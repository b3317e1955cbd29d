"""SQLAlchemy models: the relational database is the source of truth."""

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


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


class Structure(ListingMixin, db.Model):
    __tablename__ = "structures"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    site_web: Mapped[str | None] = mapped_column(String(500))
    accessibilite_lieu: Mapped[str | None] = mapped_column(String(500))
    reseaux_porteurs: Mapped[list | None] = mapped_column(JSON)
    signataire: Mapped[bool] = mapped_column(Boolean, default=False)

    services: Mapped[list["Service"]] = relationship(
        back_populates="structure", order_by="Service.nom"
    )

    @property
    def is_published(self) -> bool:
        return self.statut_publication == "publie"


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


class SearchOutbox(db.Model):
    """A service whose index entry is due: written in the transaction of the change itself,
    deleted once every index has it, so a change made while an index is down is not lost."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
