"""GET /api/v1/orientation: the interview assistant as JSON (DESIGN.md §7)."""

from flask import request

from ..schemas.api import OrientationResponseSchema
from ..schemas.orientation import ProfileSchema, parse_profile
from ..services.orientation import BarrierResult, Orientation, orient
from ..web.links import SearchLinks
from . import blueprint


def _distance(km: float | None) -> float | None:
    return None if km is None else round(km, 3)


def _matches(matches) -> list[dict]:
    return [
        {"service": m.service, "distance": _distance(m.distance_km), "criteria": m.criteria}
        for m in matches
    ]


def _barrier(result: BarrierResult) -> dict:
    return {
        "frein": result.frein,
        "label": result.label,
        "total": result.total,
        "items": _matches(result.items),
        "presque": _matches(result.near_misses),
        "voir_tout": SearchLinks(result.query).page(1),
        "elargissements": [
            {
                "critere": w.critere,
                "texte": w.texte,
                "total": w.total,
                "url": SearchLinks(w.query).page(1),
            }
            for w in result.widenings
        ],
    }


def orientation_body(found: Orientation) -> dict:
    spe = found.spe
    return OrientationResponseSchema().dump(
        {
            "profil": ProfileSchema().dump(found.profile),
            "spe": {
                "structure": spe.structure.id if spe.structure else None,
                "alternative": spe.alternative.id if spe.alternative else None,
                "raison": spe.rule.reason,
                "agence": spe.office,
                "dans_le_public": spe.public.inside,
                "explication": spe.public.explanation,
            },
            "freins": [_barrier(result) for result in found.barriers],
            "avertissements": found.notices,
        }
    )


@blueprint.get("/orientation")
def orientation():
    found = orient(parse_profile(request.args))
    headers = {"X-Search-Degraded": "embedded"} if found.degraded else {}
    return orientation_body(found), 200, headers
