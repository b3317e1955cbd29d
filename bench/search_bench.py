"""Search speed on a generated directory: import, reindex, and query latency per kind.

    .venv/bin/python bench/search_bench.py --services 5000 --repeat 30
    .venv/bin/python bench/search_bench.py --backend elasticsearch   # node: scripts/es-start

Prints a table; nothing here is asserted (targets are read, not tested).
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory import create_app
from directory.extensions import db
from directory.services.indexing import search_backend
from tests.search.dataset import make_dataset

QUERIES = {
    "tout, trié par nom": "",
    "texte « hébergement »": "q=hébergement",
    "texte « cours de français » + niveau": "q=cours+de+français&niveau=A1",
    "catégorie + arrondissement": "thematiques=famille&arrondissement=18",
    "profil complet (6 filtres)": "niveau=A2&statut=refugie&age=30&rqth=false&arrondissement=19"
    "&langues=ar",
    "autour d'un point, 3 km": "lat=48.8566&lon=2.3522&rayon_km=3",
    "page 5 de 20": "page=5&size=20",
}


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--backend", choices=["embedded", "elasticsearch"], default="embedded")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="directory-bench-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite3'}",
            "SEARCH_BACKEND": args.backend,
            "ELASTICSEARCH_INDEX_PREFIX": f"bench-{folder.name.lower()}-",
        }
    )
    structures, services = make_dataset(seed=1, structure_count=200, service_count=args.services)
    data = folder / "data.json"
    data.write_text(json.dumps({"structures": structures, "services": services}))
    with app.app_context():
        db.create_all()
        search_backend().create_schema()
    runner = app.test_cli_runner()
    rows = [("import", timed(lambda: runner.invoke(args=["import", str(data)])))]
    rows.append(("reindex", timed(lambda: runner.invoke(args=["reindex"]))))

    client = app.test_client()
    print(f"\n{args.services} services, {len(structures)} structures, {args.backend} backend")
    print(f"{'opération':<42}{'médiane ms':>12}{'p95 ms':>10}{'résultats':>11}")
    for name, seconds in rows:
        print(f"{name:<42}{seconds * 1000:>12.0f}{'':>10}{'':>11}")
    for name, query in QUERIES.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(f"/api/v1/search/services?{query}")
            times.append((time.perf_counter() - start) * 1000)
        total = response.get_json()["total"]
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"{name:<42}{statistics.median(times):>12.1f}{p95:>10.1f}{total:>11}")
    if args.backend == "elasticsearch":
        indexes = app.extensions["directory.search"].primary
        indexes.client.indices.delete(index=indexes.alias.replace("services", "*"))


if __name__ == "__main__":
    main()
