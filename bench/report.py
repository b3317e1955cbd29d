"""docs/benchmarks.md and its latency chart (SVG), from the measurements of bench/run.py."""

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .load import Run, Stats, overhead_p50, stage_p50s, stats, stats_by_kind
from .processes import Measured

CHART = "benchmark-latency.svg"
BACKEND_NAMES = {"embedded": "embarqué (SQLite FTS5)", "elasticsearch": "Elasticsearch"}
COLOURS = {"embedded": "#000091", "elasticsearch": "#c9191e"}


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    ram_gb: float
    system: str
    python: str
    sqlite: str
    elasticsearch: str
    gunicorn: str
    commit: str
    subject: str
    dirty: bool
    date: str


@dataclass(frozen=True)
class Settings:
    """The parameters of a run, quoted by the document."""

    command: str
    seed: int
    clients: tuple[int, ...]
    requests: int
    time_cap: float
    workers: int
    mix_size: int


@dataclass(frozen=True)
class Measurement:
    """Everything measured for one backend at one size."""

    backend: str
    size: int
    structures: int
    indexed: int
    imported: Measured
    reindexed: Measured
    # The first pass over the mix, one client: Elasticsearch's request cache and the
    # embedded engine's snapshot are cold.
    cold: Run
    runs: dict[int, Run]
    # Per load level: CPU use of the machine, the workers, Elasticsearch and the client,
    # in % of all the cores' time.
    cpu: dict[int, dict[str, float]]
    workers_mb: list[float]
    # A page of 20 services with every facet: bytes as is, and gzip-compressed.
    answer_bytes: tuple[int, int]
    minutes: float
    # The sustained load: the most clients, for a minute (issue 9: no error, its p95).
    soak: Run | None = None


# -- the targets -----------------------------------------------------------------

SMALL, LARGE = 10_000, 140_000
OPERATORS = {
    "≤": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "≥": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
}
METRICS = {
    "p50": ("p50", "ms"),
    "p95": ("p95", "ms"),
    "rps": ("débit", "req/s"),
    "overhead": ("bout en bout − took ES (médiane)", "ms"),
    "import_s": ("import", "s"),
    "reindex_s": ("réindexation", "s"),
    "import_rss": ("pic RSS de l'import", "MB"),
    "reindex_rss": ("pic RSS de la réindexation", "MB"),
    "worker_rss": ("pic RSS d'un worker", "MB"),
    "answer_kb": ("réponse de 20 services et toutes les facettes, compressée", "KB"),
}


@dataclass(frozen=True)
class Rule:
    """A target: ``metric op limit``, for a backend and a size (None: any), under a load."""

    backend: str | None
    size: int | None
    clients: int | None
    metric: str
    op: str
    limit: float

    def applies_to(self, measurement: Measurement) -> bool:
        return self.backend in (None, measurement.backend) and self.size in (
            None,
            measurement.size,
        )

    @property
    def text(self) -> str:
        name, unit = METRICS[self.metric]
        return f"{name} {self.op} {self.limit:g} {unit}"

    def where(self, backend: str | None, size: int | None) -> str:
        """ "Elasticsearch, 10 000 services, 4 clients"; "any" where the rule says none."""
        backend = BACKEND_NAMES[backend] if backend else "chaque moteur"
        load = f", {self.clients} client(s)" if self.clients else ""
        services = f"{size_label(size)} services" if size else "chaque taille"
        return f"{backend}, {services}{load}"


RULES = (
    Rule("embedded", SMALL, 1, "p95", "≤", 25),
    Rule("embedded", LARGE, 1, "p95", "≤", 150),
    Rule("elasticsearch", LARGE, 1, "p95", "≤", 30),
    Rule("elasticsearch", None, 1, "overhead", "≤", 8),
    Rule("elasticsearch", None, 16, "rps", "≥", 150),
    Rule(None, SMALL, 4, "p50", "<", 20),
    Rule(None, SMALL, 4, "rps", ">", 50),
    Rule(None, LARGE, None, "import_s", "≤", 180),
    Rule(None, None, None, "reindex_s", "≤", 60),
    Rule(None, None, None, "import_rss", "≤", 500),
    Rule(None, None, None, "reindex_rss", "≤", 500),
    Rule(None, None, None, "worker_rss", "≤", 300),
    Rule(None, None, None, "answer_kb", "<", 40),
)
# Embedded, 1 client: p95 at 140k over p95 at 10k.
GROWTH_LIMIT = 4


def metric_value(measurement: Measurement, metric: str, clients: int | None) -> float | None:
    steps = {
        "import_s": measurement.imported.seconds,
        "reindex_s": measurement.reindexed.seconds,
        "import_rss": measurement.imported.peak_rss_mb,
        "reindex_rss": measurement.reindexed.peak_rss_mb,
        "worker_rss": max(measurement.workers_mb, default=None),
        "answer_kb": measurement.answer_bytes[1] / 1024,
    }
    if metric in steps:
        return steps[metric]
    run = measurement.runs.get(clients)
    if run is None:
        return None
    if metric == "rps":
        return run.throughput
    if metric == "overhead":
        return overhead_p50(run.samples)
    return getattr(stats(run.samples), metric)


@dataclass(frozen=True)
class Check:
    rule: Rule
    measurement: Measurement | None
    value: float | None

    @property
    def mark(self) -> str:
        if self.value is None:
            return "—"
        return "✅" if OPERATORS[self.rule.op](self.value, self.rule.limit) else "❌"

    @property
    def cell(self) -> str:
        return f"{self.rule.text} {self.mark}"


def checks(measurement: Measurement, clients: int | None) -> list[Check]:
    """The targets that apply to a measurement under this load (None: its steps)."""
    return [
        Check(rule, measurement, metric_value(measurement, rule.metric, rule.clients))
        for rule in RULES
        if rule.applies_to(measurement) and rule.clients == clients
    ]


def all_checks(measurements: list[Measurement]) -> list[Check]:
    """Every target against every measurement it applies to; unmeasured ones too."""
    found = []
    for rule in RULES:
        matching = [m for m in measurements if rule.applies_to(m)]
        found += [Check(rule, m, metric_value(m, rule.metric, rule.clients)) for m in matching]
        if not matching:
            found.append(Check(rule, None, None))
    return found


def growth(measurements: list[Measurement]) -> float | None:
    p95 = {
        m.size: stats(m.runs[1].samples).p95
        for m in measurements
        if m.backend == "embedded" and 1 in m.runs
    }
    if not (p95.get(SMALL) and p95.get(LARGE)):
        return None
    return p95[LARGE] / p95[SMALL]


# -- formatting --------------------------------------------------------------------------


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def size_label(size: int) -> str:
    return f"{size:,}".replace(",", " ")


def short_size(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# -- the document ------------------------------------------------------------------------


def machine_section(machine: Machine) -> str:
    state = " (arbre de travail modifié)" if machine.dirty else ""
    rows = [
        ["processeur", f"{machine.cpu}, {machine.cores} cœurs"],
        ["mémoire", f"{machine.ram_gb:.0f} Gio"],
        ["système", machine.system],
        ["Python", machine.python],
        ["SQLite", machine.sqlite],
        ["Elasticsearch", machine.elasticsearch],
        ["gunicorn", machine.gunicorn],
        ["commit mesuré", f"`{machine.commit}`{state} — {escape(_shorten(machine.subject))}"],
        ["date", machine.date],
    ]
    return "## Machine\n\n" + table(["", ""], rows)


def _shorten(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def method_section(settings: Settings) -> str:
    clients = ", ".join(map(str, settings.clients))
    return f"""## Commande et méthode

```
{settings.command}
```

Pour chaque taille et chaque moteur, dans un dossier temporaire (base SQLite neuve, index
Elasticsearch au préfixe unique, supprimé à la fin) :

1. `bench/generate.py` écrit les données (graine {settings.seed}, gardées en cache dans
   `bench/.cache/` par taille, graine et version du générateur) : data·inclusion v1 et
   extension parisienne, une structure pour 35 services ;
2. `directory init-db`, puis `directory import FICHIER` et `directory reindex`, chacun dans
   son propre processus : durée et pic de mémoire résidente (`wait4`, `ru_maxrss`) ;
3. `gunicorn "directory:create_app()" --worker-class sync --workers {settings.workers}
   --bind 127.0.0.1:PORT`, configuré par `DIRECTORY_DATABASE_URL`,
   `DIRECTORY_SEARCH_BACKEND`, `DIRECTORY_ELASTICSEARCH_URL` et
   `DIRECTORY_ELASTICSEARCH_INDEX_PREFIX` ; attente de `/healthz` ;
4. un premier passage sur le mélange de requêtes (ligne « 1er passage » : caches froids),
   puis, pour {clients} clients simultanés, {settings.requests} requêtes en tout
   (plafond {settings.time_cap:g} s par palier) sur `/api/v1/search/services` : un mélange
   fixe de {settings.mix_size} requêtes (chaque filtre seul, profils de 4 à 7 filtres, texte
   seul et avec filtres, rayon avec et sans texte, page 50, chaque tri), toutes avec toutes
   les facettes ;
5. le pic de mémoire (`VmHWM`) de chaque worker après la charge, et le poids d'une page de
   20 services avec toutes les facettes, brute et compressée (`Accept-Encoding: gzip`).

Les paliers repassent sur le même mélange : avec Elasticsearch, les facettes (une recherche
sans résultat à part, dans la même requête `_msearch`) viennent alors du cache de requêtes
du nœud, valable jusqu'au prochain changement de l'index, comme pour les recherches
fréquentes d'un vrai service ; la ligne « 1er passage » donne les temps sans ce cache.

Le client (`bench/load.py`) : un fil par client, `http.client`, chaque client part d'un
point différent du mélange. Les workers `sync` de gunicorn ferment la connexion après chaque
réponse : chaque requête ouvre donc sa connexion (boucle locale). Le **plancher** est le
temps du moteur lui-même, lu dans l'en-tête `Server-Timing` de chaque réponse
(`search;dur` : l'appel au moteur de recherche ; `es;dur` : le `took` d'Elasticsearch).
Les percentiles sont interpolés entre les rangs voisins. Le client, gunicorn et
Elasticsearch se partagent les mêmes cœurs : la colonne « CPU % » donne la part du temps de
tous les cœurs occupée pendant le palier par toute la machine (tout processus compris, ceux
d'autres utilisateurs aussi), puis par les workers gunicorn, le nœud Elasticsearch et le
client de charge."""


def targets_section(measurements: list[Measurement]) -> str:
    rows = []
    for check in all_checks(measurements):
        rule, m = check.rule, check.measurement
        where = rule.where(m.backend, m.size) if m else rule.where(rule.backend, rule.size)
        value = number(check.value, 0 if rule.metric.endswith("rss") else 1)
        rows.append([where, rule.text, value if m else "non mesuré", check.mark])
    ratio = growth(measurements)
    rows.append(
        [
            "embarqué, 1 client",
            f"p95 à 140k / p95 à 10k ≤ {GROWTH_LIMIT}",
            number(ratio, 2),
            "—" if ratio is None else ("✅" if ratio <= GROWTH_LIMIT else "❌"),
        ]
    )
    return "## Cibles de l'issue 8\n\n" + table(["mesure", "cible", "valeur", ""], rows)


def stages_section(measurements: list[Measurement]) -> str:
    """Where a search's time goes, stage by stage: the profile behind the overhead target."""
    header = [
        "moteur",
        "services",
        "bout en bout",
        "moteur (search)",
        "dont took ES",
        "facettes et libellés (facets)",
        "les 20 fiches : versions, et lecture et sérialisation des nouvelles (rows)",
        "reste : HTTP, gunicorn, Flask, JSON",
    ]
    rows = []
    for m in measurements:
        if 1 not in m.runs:
            continue
        samples = m.runs[1].samples
        medians = stage_p50s(samples)
        stages = ("search", "es", "facets", "rows", "rest")
        rows.append(
            [
                BACKEND_NAMES[m.backend],
                size_label(m.size),
                number(stats(samples).p50),
                *(number(medians[stage]) for stage in stages),
            ]
        )
    note = (
        "Médianes en ms, 1 client, lues dans l'en-tête `Server-Timing` de chaque réponse ; le "
        "reste est, requête par requête, le temps de bout en bout moins les étapes mesurées."
    )
    title = "## Où passe le temps d'une recherche (profil de l'écart à la cible)"
    return title + "\n\n" + table(header, rows) + "\n\n" + note


def load_section(measurements: list[Measurement]) -> str:
    header = [
        "moteur",
        "services",
        "clients",
        "requêtes",
        "erreurs",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "plancher p50",
        "plancher p95",
        "took ES p50",
        "CPU % machine / workers / ES / client",
        "cibles",
    ]
    rows = []
    for m in measurements:
        rows.append(_load_row(m, "1, 1er passage", m.cold, None))
        rows += [_load_row(m, str(clients), run, clients) for clients, run in m.runs.items()]
        if m.soak is not None:
            label = f"{m.soak.clients}, soutenue {m.soak.seconds:.0f} s"
            rows.append(_load_row(m, label, m.soak, None))
    note = (
        "La charge soutenue : le plus grand nombre de clients, sans arrêt pendant une minute "
        "(`--soak`) ; l'issue 9 y demande zéro erreur."
    )
    return "## Charge HTTP, de bout en bout\n\n" + table(header, rows) + "\n\n" + note


def _load_row(m: Measurement, clients_label: str, run: Run, clients: int | None) -> list[str]:
    s = stats(run.samples)
    cpu = m.cpu.get(clients)
    return [
        BACKEND_NAMES[m.backend],
        size_label(m.size),
        clients_label,
        str(s.count),
        str(run.errors),
        number(run.throughput),
        number(s.p50),
        number(s.p95),
        number(s.p99),
        number(s.floor_p50),
        number(s.floor_p95),
        number(s.took_p50),
        " / ".join(f"{share:.0f}" for share in cpu.values()) if cpu else "—",
        "<br>".join(c.cell for c in checks(m, clients)) if clients else "",
    ]


def steps_section(measurements: list[Measurement]) -> str:
    header = [
        "moteur",
        "services (indexés)",
        "import s",
        "pic import MB",
        "réindexation s",
        "pic réindexation MB",
        "workers MB",
        "réponse de 20 services KB (brute / compressée)",
        "durée totale",
        "cibles",
    ]
    rows = [
        [
            BACKEND_NAMES[m.backend],
            f"{size_label(m.size)} ({size_label(m.indexed)})",
            number(m.imported.seconds),
            number(m.imported.peak_rss_mb, 0),
            number(m.reindexed.seconds),
            number(m.reindexed.peak_rss_mb, 0),
            " / ".join(number(mb, 0) for mb in m.workers_mb),
            " / ".join(number(size / 1024) for size in m.answer_bytes),
            f"{m.minutes:.1f} min",
            "<br>".join(c.cell for c in checks(m, None)),
        ]
        for m in measurements
    ]
    note = (
        "Avec Elasticsearch, l'import et la réindexation écrivent aussi l'index embarqué, "
        "qui répond quand le nœud ne répond pas."
    )
    return "## Import, réindexation, mémoire\n\n" + table(header, rows) + "\n\n" + note


def kinds_section(measurements: list[Measurement]) -> str:
    parts = ["## Par type de requête (1 client)"]
    header = ["requête", "n", "p50 ms", "p95 ms", "plancher p50", "plancher p95", "took ES p50"]
    for m in measurements:
        if 1 not in m.runs:
            continue
        rows = [
            [kind, str(s.count), *(number(v) for v in _kind_values(s))]
            for kind, s in stats_by_kind(m.runs[1].samples).items()
        ]
        title = f"### {BACKEND_NAMES[m.backend]}, {size_label(m.size)} services"
        parts.append(title + "\n\n" + table(header, rows))
    return "\n\n".join(parts)


def _kind_values(s: Stats) -> tuple:
    return (s.p50, s.p95, s.floor_p50, s.floor_p95, s.took_p50)


def markdown(machine: Machine, settings: Settings, measurements: list[Measurement]) -> str:
    intro = (
        "# Mesures de performance\n\n"
        f"Écrit par `bench/run.py` le {machine.date}, sur le commit `{machine.commit[:12]}` : "
        "ces chiffres valent pour ce commit et cette machine ; relancez `make bench` pour "
        "mesurer une autre version."
    )
    chart = f"## Latence selon la taille (1 client)\n\n![p50 et p95 par moteur]({CHART})"
    sections = [
        intro,
        machine_section(machine),
        method_section(settings),
        targets_section(measurements),
        stages_section(measurements),
        chart,
        load_section(measurements),
        steps_section(measurements),
        kinds_section(measurements),
    ]
    return "\n\n".join(sections) + "\n"


# -- the chart ---------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 400
LEFT, RIGHT, TOP, BOTTOM = 60, 200, 30, 50
STEPS = (1, 2, 5)


@dataclass(frozen=True)
class Scale:
    """Both axes are logarithmic: sizes, and latencies that span decades."""

    sizes: list[int]
    low: float
    high: float

    def x(self, size: int) -> float:
        low, high = math.log10(min(self.sizes)), math.log10(max(self.sizes))
        span = WIDTH - LEFT - RIGHT
        if high == low:
            return LEFT + span / 2
        return LEFT + 30 + (span - 60) * (math.log10(size) - low) / (high - low)

    def y(self, ms: float) -> float:
        share = math.log10(ms / self.low) / math.log10(self.high / self.low)
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * share

    def ticks(self) -> list[float]:
        decades = range(math.floor(math.log10(self.low)), math.ceil(math.log10(self.high)) + 1)
        values = (step * 10.0**decade for decade in decades for step in STEPS)
        return [v for v in values if self.low <= v <= self.high]


def tick_below(value: float) -> float:
    """The largest of 1, 2, 5 × 10ⁿ at or below ``value``."""
    decade = 10.0 ** math.floor(math.log10(value))
    return max(step * decade for step in STEPS if step * decade <= value)


def tick_above(value: float) -> float:
    """The smallest of 1, 2, 5 × 10ⁿ at or above ``value``."""
    decade = 10.0 ** math.floor(math.log10(value))
    return min(step * decade for step in (*STEPS, 10) if step * decade >= value)


def latency_series(measurements: list[Measurement]) -> dict[tuple[str, str], list]:
    """(backend, percentile) -> [(size, ms)], at 1 client."""
    series: dict[tuple[str, str], list] = {}
    for m in sorted(measurements, key=lambda m: m.size):
        if 1 not in m.runs:
            continue
        s = stats(m.runs[1].samples)
        for name in ("p50", "p95"):
            if getattr(s, name) is not None:
                series.setdefault((m.backend, name), []).append((m.size, getattr(s, name)))
    return series


def chart_targets(sizes: list[int]) -> list[tuple[str, int, float]]:
    return [
        (rule.backend, rule.size, rule.limit)
        for rule in RULES
        if rule.metric == "p95" and rule.clients == 1 and rule.size in sizes
    ]


def _axes(scale: Scale) -> list[str]:
    parts = []
    for value in scale.ticks():
        y = scale.y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>'
        )
    for size in scale.sizes:
        parts.append(
            f'<text x="{scale.x(size):.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle">'
            f"{size_label(size)}</text>"
        )
    parts.append(
        f'<text x="{(WIDTH - RIGHT + LEFT) / 2}" y="{HEIGHT - 10}" text-anchor="middle">'
        "services (échelles logarithmiques)</text>"
        f'<text x="16" y="{TOP - 10}">ms</text>'
    )
    return parts


def _lines(series: dict, scale: Scale) -> list[str]:
    parts = []
    for (backend, name), points in series.items():
        colour = COLOURS[backend]
        dash = ' stroke-dasharray="6 4"' if name == "p95" else ""
        coords = " ".join(f"{scale.x(s):.1f},{scale.y(v):.1f}" for s, v in points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}"{dash}/>')
        shift = -7 if name == "p95" else 15
        for size, value in points:
            x, y = scale.x(size), scale.y(value)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
                f'<text x="{x + 7:.1f}" y="{y + shift:.1f}" fill="{colour}">{value:.0f}</text>'
            )
    return parts


def _targets(scale: Scale) -> list[str]:
    parts = []
    for backend, size, limit in chart_targets(scale.sizes):
        x, y = scale.x(size), scale.y(limit)
        parts.append(
            f'<line x1="{x - 14:.1f}" y1="{y:.1f}" x2="{x + 14:.1f}" y2="{y:.1f}" '
            f'stroke="{COLOURS[backend]}" stroke-width="3" opacity="0.45"/>'
        )
    return parts


def _legend(series: dict) -> list[str]:
    parts = []
    x = WIDTH - RIGHT + 20
    entries = [(b, n, f"{BACKEND_NAMES[b].split(' ')[0]} {n}") for b, n in series]
    entries.append((None, "cible", "cible p95 (issue 8)"))
    for n, (backend, name, label) in enumerate(entries):
        y = TOP + 10 + 22 * n
        if backend is None:
            line = 'stroke="#888" stroke-width="3" opacity="0.6"'
        else:
            dash = ' stroke-dasharray="6 4"' if name == "p95" else ""
            line = f'stroke="{COLOURS[backend]}"{dash}'
        parts.append(
            f'<line x1="{x}" y1="{y}" x2="{x + 28}" y2="{y}" {line}/>'
            f'<text x="{x + 36}" y="{y + 4}">{escape(label)}</text>'
        )
    return parts


def latency_svg(measurements: list[Measurement]) -> str:
    """p50 and p95 at 1 client against the size, per backend, with the p95 targets."""
    series = latency_series(measurements)
    sizes = sorted({size for points in series.values() for size, _ in points}) or [1]
    values = [v for points in series.values() for _, v in points]
    values += [limit for _, _, limit in chart_targets(sizes)]
    low, high = (min(values), max(values)) if values else (1, 10)
    scale = Scale(sizes, tick_below(low), tick_above(high * 1.05))
    body = [*_axes(scale), *_targets(scale), *_lines(series, scale), *_legend(series)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">\n'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n"
    )
