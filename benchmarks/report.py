"""The report of a benchmark run: the figures, the ratios the targets are stated in, and the chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"  # every recorded run, one section each

SCENARIOS = {
    "raw": "GET / (one Redis GET)",
    "whoami": "GET /auth/session",
    "data-get": "GET /session/data/{key}",
    "put": "PUT /session/data/{key}",
    "sessions": "GET /sessions (its own session only)",
    "login": "POST /auth/login (16 conns)",
    "login1": "login, one at a time",
    "login-throttled": "POST /auth/login, throttled",
    "hash": "one password check by the hasher (in-process)",
}


def one_line(label: str, result: dict[str, dict[str, Any]]) -> str:
    parts = []
    for name, r in result.items():
        warn = (
            f" [non2xx {r['non2xx']}, errors {r['socket_errors']}]"
            if r["non2xx"] or r["socket_errors"]
            else ""
        )
        cpu = f" cpu {r['cpu_us']:.0f}us" if r.get("cpu_us") else ""
        split = f" split {'/'.join(map(str, r['split']))}" if r.get("split") else ""
        parts.append(f"{name} {r['rps']:.0f}/s p50 {r['p50']:.1f} p99 {r['p99']:.1f}{cpu}{split}{warn}")
    return f"{label}: " + "; ".join(parts)


# (target, our figure, the figure it is divided by or None, comparison, goal); a figure is
# (configuration, scenario, metric).
TARGETS = [
    (
        "who am I, cache: ours / stock",
        ("ours cache", "whoami", "rps"),
        ("stock cache", "whoami", "rps"),
        ">=",
        2.0,
    ),
    (
        "who am I, cache: ours / raw WSGI + Redis",
        ("ours cache", "whoami", "rps"),
        ("raw", "raw", "rps"),
        ">=",
        0.5,
    ),
    ("who am I, cache: p99 ms", ("ours cache", "whoami", "p99"), None, "<", 10),
    (
        "who am I, db: ours / stock (persistent)",
        ("ours db", "whoami", "rps"),
        ("stock db", "whoami", "rps"),
        ">=",
        2.0,
    ),
    (
        "who am I, db: ours / stock CONN_MAX_AGE=0",
        ("ours db", "whoami", "rps"),
        ("stock db CONN_MAX_AGE=0", "whoami", "rps"),
        ">=",
        2.0,
    ),
    ("PUT, cache: ours / stock", ("ours cache", "put", "rps"), ("stock cache", "put", "rps"), ">=", 1.0),
    ("PUT, db: ours / stock", ("ours db", "put", "rps"), ("stock db", "put", "rps"), ">=", 1.0),
    ("login median / one hash", ("ours cache", "login1", "p50"), ("ours cache", "hash", "p50"), "<=", 1.1),
    # The same comparisons in server CPU per request (stock / ours): what req/s becomes on a quiet machine.
    (
        "who am I, cache: CPU/request, stock / ours",
        ("stock cache", "whoami", "cpu_us"),
        ("ours cache", "whoami", "cpu_us"),
        ">=",
        2.0,
    ),
    (
        "who am I, cache: CPU/request, raw / ours",
        ("raw", "raw", "cpu_us"),
        ("ours cache", "whoami", "cpu_us"),
        ">=",
        0.5,
    ),
    (
        "who am I, db: CPU/request, stock / ours",
        ("stock db", "whoami", "cpu_us"),
        ("ours db", "whoami", "cpu_us"),
        ">=",
        2.0,
    ),
    (
        "PUT, cache: CPU/request, stock / ours",
        ("stock cache", "put", "cpu_us"),
        ("ours cache", "put", "cpu_us"),
        ">=",
        1.0,
    ),
    (
        "PUT, db: CPU/request, stock / ours",
        ("stock db", "put", "cpu_us"),
        ("ours db", "put", "cpu_us"),
        ">=",
        1.0,
    ),
    ("throttled logins per second", ("ours cache", "login-throttled", "rps"), None, ">=", 1000),
    # A Redis Cluster on the same machine cannot be faster than one Redis: it may cost at most 15%.
    (
        "who am I, cache: Redis Cluster / one Redis",
        ("ours cache@cluster", "whoami", "rps"),
        ("ours cache", "whoami", "rps"),
        ">=",
        0.85,
    ),
    (
        "PUT, cache: Redis Cluster / one Redis",
        ("ours cache@cluster", "put", "rps"),
        ("ours cache", "put", "rps"),
        ">=",
        0.85,
    ),
    (
        "who am I, cache: CPU/request, one Redis / Redis Cluster",
        ("ours cache", "whoami", "cpu_us"),
        ("ours cache@cluster", "whoami", "cpu_us"),
        ">=",
        0.85,
    ),
    (
        "PUT, cache: CPU/request, one Redis / Redis Cluster",
        ("ours cache", "put", "cpu_us"),
        ("ours cache@cluster", "put", "cpu_us"),
        ">=",
        0.85,
    ),
]


def _figure(results: dict[str, Any], figure: Any) -> float | None:
    if isinstance(figure, str):
        return results.get(figure)
    label, scenario, metric = figure
    return results["medians"].get(label, {}).get(scenario, {}).get(metric)


def _base_targets(base: str) -> list[tuple[Any, ...]]:
    """With ``--base``: the working tree against the earlier commit, run in the same rounds.

    Not slower, within the 5% that the same code moves by from one server start to the next.
    """
    if not base:
        return []
    found = []
    for engine in ("cache", "db"):
        for scenario, name in (("whoami", "who am I"), ("put", "PUT")):
            ours, theirs = f"ours {engine}", f"{base} {engine}"
            found += [
                (f"{name}, {engine}: ours / {base}", (ours, scenario, "rps"), (theirs, scenario, "rps")),
                (
                    f"{name}, {engine}: CPU/request, {base} / ours",
                    (theirs, scenario, "cpu_us"),
                    (ours, scenario, "cpu_us"),
                ),
            ]
    stock = [
        (
            f"who am I, cache: {base} / stock",
            (f"{base} cache", "whoami", "rps"),
            ("stock cache", "whoami", "rps"),
        ),
        (
            f"who am I, cache: CPU/request, stock / {base}",
            ("stock cache", "whoami", "cpu_us"),
            (f"{base} cache", "whoami", "cpu_us"),
        ),
    ]
    return [(*target, ">=", 0.95) for target in found] + [(*target, ">=", 2.0) for target in stock]


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """Return (target, measured, goal, met) for each target the run can judge."""
    out = []
    for name, ours, base, op, goal in [*TARGETS, *_base_targets(results.get("base", ""))]:
        value, divisor = _figure(results, ours), _figure(results, base) if base else 1.0
        if value is None or not divisor:
            continue
        value /= divisor
        met = value >= goal if op == ">=" else value <= goal if op == "<=" else value < goal
        shown = f"{value:.2f}x" if base else f"{value:,.1f}"
        out.append((name, shown, f"{op} {goal}", met))
    return out


def table(results: dict[str, Any]) -> str:
    return "\n".join(
        [f"\n{results['command']} — {results['date']}", f"machine: {results['machine']}", *_body(results)]
    )


def section(results: dict[str, Any]) -> str:
    """Return the run as a section of RESULTS.md: a heading with its command, date and machine; its tables."""
    heading = f"## {results['command']}, {results['date']}, {results['machine']}"
    return "\n".join([heading, "", *_body(results)]) + "\n"


def append_to_results(results: dict[str, Any], path: Path = RESULTS) -> None:
    """Add the run at the end of RESULTS.md as a section of its own; the sections before stay as they are."""
    before = path.read_text() if path.exists() else "# Benchmark results\n"
    path.write_text(before.rstrip("\n") + "\n\n" + section(results))


def _body(results: dict[str, Any]) -> list[str]:
    load = results["load"]
    lines = [
        f"server: {results['server']}, {results['workers']} workers; wrk {load['threads']} threads, "
        f"{load['connections']} connections, {load['duration']}; medians of {results['repeat']} interleaved "
        f"rounds; load average before/after rounds: {', '.join(results['load_averages'])}",
        f"one hash by the configured hasher: {results['one_hash_ms']:.1f} ms",
        "",
        "| configuration | scenario | req/s | p50 ms | p99 ms | server CPU µs/request |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for label, scenarios in results["medians"].items():
        for name, r in scenarios.items():
            cpu = f"{r['cpu_us']:,.0f}" if r.get("cpu_us") else ""
            figures = f"{r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {cpu}"
            lines.append(f"| {label} | {SCENARIOS.get(name, name)} | {figures} |")
    lines += ["", "| target | measured | goal | met |", "|---|---:|---|---|"]
    for name, shown, goal, met in targets(results):
        lines.append(f"| {name} | {shown} | {goal} | {'yes' if met else 'NO'} |")
    return lines


def chart(results: dict[str, Any], path: Path) -> None:
    """Draw requests/s per configuration and scenario (grouped bars) into a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    medians = results["medians"]
    scenarios = ["whoami", "data-get", "put", "sessions"]
    labels = [label for label in medians if any(s in medians[label] for s in scenarios)]
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=110)
    width = 0.8 / len(scenarios)
    for i, scenario in enumerate(scenarios):
        values = [medians[label].get(scenario, {}).get("rps", 0) for label in labels]
        bars = ax.bar([x + i * width for x in range(len(labels))], values, width, label=SCENARIOS[scenario])
        ax.bar_label(
            bars, labels=[f"{v:,.0f}" if v else "" for v in values], fontsize=7, rotation=90, padding=2
        )
    raw = medians.get("raw", {}).get("raw", {}).get("rps")
    if raw:
        ax.axhline(raw, color="grey", linestyle="--", linewidth=1)
        ax.text(
            len(labels) - 0.5,
            raw,
            f"raw WSGI + one Redis GET: {raw:,.0f}/s",
            ha="right",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(
        [x + width * (len(scenarios) - 1) / 2 for x in range(len(labels))], labels, rotation=20, ha="right"
    )
    ax.set_ylabel("requests per second (median of rounds)")
    ax.set_title(
        f"Session API vs stock Django 5.2 + DRF — {results['server']}, {results['workers']} workers, "
        f"wrk {results['load']['connections']} connections\n{results['machine']} — {results['date']}",
        fontsize=9,
    )
    ax.legend(fontsize=8, loc="upper left", ncol=2)
    ax.margins(y=0.15)
    fig.tight_layout()
    fig.savefig(path)
