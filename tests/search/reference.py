"""DESIGN.md §3 written plainly over the import records: the oracle for search tests.

Deliberately independent of directory.search (no term expansion, no shared helpers but
the public referentials), so that a mistake there shows up as a difference here.
"""

from math import asin, cos, radians, sin, sqrt

from directory import referentials as ref
from directory.search.text import fold

PARIS_WIDE = {"75056", "75", "11", "france"}


def _rank(level):
    return list(ref.NIVEAUX_FRANCAIS).index(level)


def _within(value, low, high) -> bool:
    return (low is None or low <= value) and (high is None or value <= high)


def covers(zone, arrondissement: int, code_insee=None) -> bool:
    """DESIGN.md §2: without a zone, the commune of the service's own address; Paris is one
    commune (75056, 751xx), any other covers no arrondissement; neither: everywhere."""
    if not zone:
        return code_insee is None or code_insee == "75056" or code_insee.startswith("751")
    return bool(PARIS_WIDE & set(zone)) or f"751{arrondissement:02d}" in zone


def expand_thematique(value: str) -> set[str]:
    if value in ref.CATEGORIES:
        return {slug for slug in ref.THEMATIQUES if slug.startswith(value + "--")}
    return {value}


def distance(service, lat, lon):
    modes = service.get("modes_accueil") or []
    if service.get("latitude") is None or (modes and "en-presentiel" not in modes):
        return None
    phi1, phi2 = radians(lat), radians(service["latitude"])
    dphi, dlam = phi2 - phi1, radians(service["longitude"] - lon)
    h = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlam / 2) ** 2
    return 2 * 6371.0087714 * asin(sqrt(h))


def matches_filter(name: str, values, service: dict, structure: dict, dedicated=False) -> bool:
    """Whether a service passes one filter (values: the list given for that parameter);
    ``dedicated``: publics_dedies=true was asked."""
    if name == "thematiques":
        wanted = set().union(*(expand_thematique(v) for v in values))
        return bool(wanted & set(service.get("thematiques") or []))
    if name == "arrondissement":
        zone, code_insee = service.get("zone_eligibilite"), service.get("code_insee")
        return any(covers(zone, int(n), code_insee) for n in values)
    if name == "niveau":
        low, high = service.get("niveau_francais_min"), service.get("niveau_francais_max")
        return any(_within(_rank(v), low and _rank(low), high and _rank(high)) for v in values)
    if name == "statut":
        statuts = service.get("statuts_sejour") or []
        return not statuts or any(v in statuts for v in values)
    if name == "age":
        return _within(values, service.get("age_min"), service.get("age_max"))
    if name == "rqth":
        if values and dedicated:
            return bool(service.get("rqth_requise"))
        return values or not service.get("rqth_requise")
    if name == "publics":
        publics = service.get("publics")
        named = bool(set(values) & set(publics or []))
        return named if dedicated else not publics or "tous-publics" in publics or named
    if name == "publics_dedies":
        # It changes how publics and rqth read; by itself it keeps everything.
        return True
    if name == "frais":
        return service.get("frais") in values
    if name == "modes_accueil":
        return bool(set(values) & set(service.get("modes_accueil") or []))
    if name == "types":
        return service.get("type") in values
    if name == "langues":
        return bool(set(values) & {"fr", *(service.get("langues_parlees") or [])})
    if name == "structure":
        return structure["id"] in values
    if name == "signataire":
        return structure.get("signataire", False) == values
    if name == "geo":
        lat, lon, rayon = values
        if "a-distance" in (service.get("modes_accueil") or []):
            return True
        found = distance(service, lat, lon)
        return found is not None and found <= rayon
    raise AssertionError(name)


def visible(service: dict, structures: dict) -> bool:
    structure = structures[service["structure_id"]]
    return (
        service.get("statut_publication", "publie") == "publie"
        and structure.get("statut_publication", "publie") == "publie"
    )


def search(services, structures, filters: dict, point=None, sort="nom") -> list[tuple]:
    """(service id, distance) of the matching services, in the order of ``sort``."""
    found = []
    dedicated = filters.get("publics_dedies", False)
    for service in services:
        structure = structures[service["structure_id"]]
        if visible(service, structures) and all(
            matches_filter(name, values, service, structure, dedicated)
            for name, values in filters.items()
        ):
            found.append((service, distance(service, *point) if point else None))

    def key(item):
        service, dist = item
        name = (fold(service["nom"]), service["id"])
        if sort == "distance":
            return (dist is None, dist or 0, *name)
        if sort == "date_maj":
            return (-int(service["date_maj"].replace("-", "")), *name)
        return name

    return [(service["id"], dist) for service, dist in sorted(found, key=key)]
