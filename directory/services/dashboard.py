"""The admin dashboard: the structures an account maintains, filtered as asked, and the
figures of what it maintains."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from .. import referentials as ref
from ..extensions import db
from ..models import Service, Structure
from ..search.text import TOKEN, fold

PENDING, APPROVED = "en-attente", "approuvee"
MODERATION_STATES = (PENDING, APPROVED)


@dataclass(frozen=True)
class StructureFilter:
    """What the dashboard's form asks; an empty filter keeps every structure."""

    nom: str = ""
    signataire: bool | None = None
    a_verifier: bool = False
    moderation: str | None = None

    @property
    def active(self) -> bool:
        return self != StructureFilter()

    def keeps(self, structure: Structure, due_ids: set[str]) -> bool:
        """``due_ids``: the structures with something due for review (see due_structure_ids)."""
        name = fold(structure.nom)
        return (
            all(word in name for word in TOKEN.findall(fold(self.nom)))
            and self.signataire in (None, structure.signataire)
            and (not self.a_verifier or structure.id in due_ids)
            and self.moderation in (None, PENDING if not structure.approuvee else APPROVED)
        )


def due_structure_ids(due: Iterable[Service | Structure]) -> set[str]:
    """The structures that are due for review themselves or through one of their services
    (``due``: what editing.due_for_review returns)."""
    return {item.structure_id if isinstance(item, Service) else item.id for item in due}


def filtered(
    structures: list[Structure], chosen: StructureFilter, due: Iterable[Service | Structure]
) -> list[Structure]:
    due_ids = due_structure_ids(due)
    return [structure for structure in structures if chosen.keeps(structure, due_ids)]


@dataclass(frozen=True)
class Figures:
    structures: int
    services: dict[str, int]  # by publication status, each status present
    due: int  # listings (structures and services) due for review


def figures(structure_ids: set[str], due_count: int) -> Figures:
    """The figures of the given structures (their services counted by the database)."""
    rows = db.session.execute(
        select(Service.statut_publication, func.count())
        .where(Service.structure_id.in_(structure_ids))
        .group_by(Service.statut_publication)
    )
    counted = dict(rows.all())
    services = {statut: counted.get(statut, 0) for statut in ref.STATUTS_PUBLICATION}
    return Figures(len(structure_ids), services, due_count)


def service_counts(structure_ids: set[str]) -> dict[str, int]:
    """How many services each structure has (whatever their status), in one query."""
    rows = db.session.execute(
        select(Service.structure_id, func.count())
        .where(Service.structure_id.in_(structure_ids))
        .group_by(Service.structure_id)
    )
    return dict(rows.all())
