"""`directory seed`: the sample directory loads whole and covers what DESIGN.md promises."""

from collections import Counter

from directory import referentials as ref
from directory.extensions import db
from directory.models import Service, Structure


def test_seed_loads_the_sample_directory_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        structures = db.session.query(Structure).all()
        services = db.session.query(Service).all()
        signatories = [s for s in structures if s.signataire]
        others = [s for s in services if not s.structure.signataire]
        assert len(signatories) == 8 and len(others) >= 120
        on_site = Counter(ref.INSEE_ARRONDISSEMENT.get(s.code_insee) for s in services)
        assert all(on_site[n] >= 3 for n in range(1, 21)), on_site
        categories = {ref.categorie_of(t) for s in services for t in s.thematiques or []}
        assert categories == set(ref.CATEGORIES)
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0 and "déjà" in again.output
