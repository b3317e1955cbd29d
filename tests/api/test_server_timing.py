"""The search API says how long the backend took (Server-Timing), for clients and benchmarks."""

import re

from tests.factories import service, structure


def test_search_reports_the_time_of_each_stage(load, client, backend):
    load([structure()], [service("a")])
    response = client.get("/api/v1/search/services?q=accompagnement")
    assert response.status_code == 200
    timing = response.headers["Server-Timing"]
    assert re.fullmatch(r"search;dur=\d+\.\d", timing.split(", ")[0])
    took = re.findall(r"es;dur=(\d+)", timing)
    assert len(took) == (1 if backend == "elasticsearch" else 0)
    stages = {part.split(";")[0] for part in timing.split(", ")}
    assert {"search", "facets", "rows"} <= stages
