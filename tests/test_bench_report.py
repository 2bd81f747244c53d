"""benchmarks/report.py records each run as a section of its own at the end of RESULTS.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _report():
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "benchmarks" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUN = {
    "command": "make bench",
    "date": "2026-12-03 18:00 UTC",
    "machine": "2 cores (AMD EPYC 7B13), 24 GiB, Linux 6.18, Python 3.11.7",
    "server": "granian",
    "workers": 2,
    "load": {"threads": 2, "connections": 16, "duration": "10s", "warmup": "2s"},
    "repeat": 4,
    "load_averages": ["0.5", "1.9"],
    "one_hash_ms": 80.0,
    "medians": {
        "stock cache": {"whoami": {"rps": 1500.0, "p50": 9.0, "p99": 20.0, "cpu_us": 1100.0}},
        "ours cache": {"whoami": {"rps": 3000.0, "p50": 5.0, "p99": 9.0, "cpu_us": 600.0}},
    },
}


def test_a_run_is_appended_as_a_section_with_its_date_and_machine(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## an older run, by hand\n\n| a | b |\n")
    report = _report()

    report.append_to_results(RUN, results)
    report.append_to_results({**RUN, "date": "2026-12-04 09:00 UTC"}, results)

    text = results.read_text()
    assert text.startswith("# Benchmark results\n\n## an older run, by hand\n\n| a | b |\n\n## make bench, ")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[1:] == [
        f"## make bench, 2026-12-03 18:00 UTC, {RUN['machine']}",
        f"## make bench, 2026-12-04 09:00 UTC, {RUN['machine']}",
    ]
    assert "| ours cache | GET /auth/session | 3,000 |" in text
    assert "| who am I, cache: ours / stock | 2.00x | >= 2.0 | yes |" in text
