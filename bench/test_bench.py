"""The bench code cannot rot: the runner at a tiny scale (200 organisations or 120 practices, a few requests a
page, SQLite only; the ballots-http load test on PostgreSQL), a few real towns instead of the full reference data,
into a temporary folder. It checks the shape of the results, never their timings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.report import render
from bench.stats import percentile, summary

ROOT = Path(__file__).resolve().parent.parent


# The runner's smoke tests build their own SQLite databases in tmp_path, whatever DATABASE_URL says: the SQLite pass
# of ./dev test runs them, and the PostgreSQL pass, which would only repeat them, skips them.
sqlite_runner = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs the benchmark on its own SQLite database: the SQLite pass runs it",
)


def run_bench(
    tmp_path: Path,
    name: str,
    *,
    scale: int,
    requests: int | None = None,
    docs: Path | None = None,
    timeout: int = 180,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m bench NAME` at a tiny scale on SQLite with the minimal reference data, into tmp_path; the report
    goes to `docs` or nowhere. Fails the test with the runner's output when it does not exit 0."""
    args = [sys.executable, "-m", "bench", name, "--scale", str(scale), "--reference", "minimal"]
    if requests is not None:
        args += ["--requests", str(requests), "--warmup", "1"]
    if "--databases" not in extra:
        args += ["--databases", "sqlite"]
    args += ["--output-dir", str(tmp_path / "results"), "--work-dir", str(tmp_path / "work")]
    args += ["--docs", str(docs)] if docs is not None else ["--no-docs"]
    completed = subprocess.run(
        [*args, *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


@sqlite_runner
def test_the_runner_measures_every_page_and_writes_json_and_a_report(tmp_path):
    docs = tmp_path / "benchmarks.md"
    run_bench(tmp_path, "registry", scale=200, requests=5, docs=docs, timeout=120)
    result = json.loads((tmp_path / "results" / "registry-sqlite.json").read_text(encoding="utf-8"))
    assert result["database"] == "sqlite" and result["scale"] == 200
    assert result["facts"]["organizations"] == 200
    keys = {s["key"] for s in result["scenarios"]}
    assert {"list", "list_filtered", "organization"} <= keys
    for scenario in result["scenarios"]:
        assert scenario["requests"] == 5
        assert 0 < scenario["p50_ms"] <= scenario["p95_ms"] <= scenario["max_ms"]
        assert scenario["queries"] > 0
    assert result["machine"]["cores"] and result["machine"]["python"]
    report = docs.read_text(encoding="utf-8")
    assert "| Registry list, first page | sqlite |" in report
    assert "./dev bench registry --scale 200" in report
    assert (tmp_path / "work" / "registry.sqlite3").exists()


@sqlite_runner
def test_the_practices_benchmark_runs_at_a_tiny_scale(tmp_path):
    docs = tmp_path / "benchmarks.md"
    run_bench(tmp_path, "practices", scale=120, requests=3, docs=docs)
    result = json.loads((tmp_path / "results" / "practices-sqlite.json").read_text(encoding="utf-8"))
    assert result["facts"]["practices"] == 120
    assert result["facts"]["indexed"] == 120 and result["facts"]["indexing_per_second"] > 0
    keys = {s["key"] for s in result["scenarios"]}
    assert {"ru_forms", "en_two", "rare", "ru_region", "browse", "ru_forms_nofacets"} <= keys
    for scenario in result["scenarios"]:
        assert scenario["requests"] == 3
        assert 0 < scenario["p50_ms"] <= scenario["p95_ms"] <= scenario["max_ms"]
        assert scenario["queries"] > 0
    report = docs.read_text(encoding="utf-8")
    assert "## Best-practice bank: search with facets (`practices`)" in report
    assert "./dev bench practices --scale 120" in report


def test_an_unknown_benchmark_is_refused():
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "nonesuch", "--no-docs"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert "unknown benchmark" in completed.stderr


def test_percentiles_are_nearest_rank():
    samples = list(range(1, 201))
    assert percentile(samples, 0.5) == 100
    assert percentile(samples, 0.95) == 190
    assert summary([3.0, 1.0, 2.0]) == {"p50_ms": 2.0, "p95_ms": 3.0, "max_ms": 3.0, "mean_ms": 2.0}


def test_the_report_says_when_there_are_no_results():
    assert "No results yet" in render([])


@sqlite_runner
def test_the_contests_benchmark_runs_at_a_tiny_scale(tmp_path):
    run_bench(tmp_path, "contests", scale=60, requests=2)
    result = json.loads((tmp_path / "results" / "contests-sqlite.json").read_text(encoding="utf-8"))
    facts = result["facts"]
    assert facts["applications"] == facts["results"] == 60
    assert facts["assignments"] == 180 and facts["scores"] == 1800
    assert {s["key"] for s in result["scenarios"]} == {
        "assign",
        "results_compute",
        "results_page",
        "results_api",
        "organizer_applications",
    }


@sqlite_runner
def test_the_indicators_benchmark_runs_at_a_tiny_scale(tmp_path):
    run_bench(tmp_path, "indicators", scale=40, requests=2)
    result = json.loads((tmp_path / "results" / "indicators-sqlite.json").read_text(encoding="utf-8"))
    facts = result["facts"]
    assert facts["municipalities"] == 40 and facts["ТОС"] == 80
    assert facts["practices"] == 8 and facts["projects"] == 10 and facts["budget lines"] == 30
    assert facts["computed indicators"] > 30 and facts["values written (first)"] > 0
    assert facts["values written (again)"] == facts["values written (first)"]
    assert {s["key"] for s in result["scenarios"]} == {
        "dashboard",
        "region",
        "map_region",
        "map_russia",
        "api_region",
        "rating_region",
        "rating_russia",
        "rating_custom",
    }
    assert all(s["queries"] > 0 for s in result["scenarios"])


def test_the_participation_benchmark_runs_at_a_tiny_scale(tmp_path):
    run_bench(tmp_path, "participation", scale=300, requests=2)
    result = json.loads((tmp_path / "results" / "participation-sqlite.json").read_text(encoding="utf-8"))
    facts = result["facts"]
    assert facts["proposals"] == 300 and facts["vote_projects"] == 30
    assert facts["supports_of_the_measured_proposal"] == 5000 and facts["comments_of_the_measured_proposal"] == 200
    keys = {s["key"] for s in result["scenarios"]}
    assert {"list", "list_supported", "list_closest", "list_deadline", "list_page50", "proposal", "map"} <= keys
    assert {"map_bbox", "vote", "ballot"} <= keys
    pages = [s for s in result["scenarios"] if s["key"] != "map_cached"]
    assert all(s["queries"] > 0 for s in pages)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the ballots-http benchmark serves from PostgreSQL: run in the PostgreSQL pass",
)
def test_the_ballots_http_benchmark_casts_over_gunicorn_and_the_recount_holds(tmp_path):
    """A tiny run of the real thing: gunicorn, the load generator, the doubled and changed submissions, the
    recount. It fails if a ballot is lost, doubled or wrong, or the closed votes' tallies differ."""
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/localbridge_bench_test"
    completed = run_bench(
        tmp_path,
        "ballots-http",
        scale=400,
        timeout=300,
        extra=("--databases", "sqlite,postgresql", "--postgres-url", url),
        env={**os.environ, "BENCH_WORKERS": "2", "BENCH_THREADS": "2", "BENCH_CONNECTIONS": "8"},
    )
    assert "skipping sqlite" in completed.stdout
    result = json.loads((tmp_path / "results" / "ballots-http-postgresql.json").read_text(encoding="utf-8"))
    load = result["load"]
    kinds = load["kinds"]
    assert kinds == {"first": 400, "retry": 20, "change": 20}
    assert load["statuses"] == {"200": load["requests"]} and load["answered"] == load["requests"] == sum(kinds.values())
    assert (load["lost"], load["doubled"], load["wrong_choices"], load["retry_receipts_differ"]) == (0, 0, 0, 0)
    assert load["tally_matches"] and load["passed"] and load["ballots_stored"] == 400
    report = render([result])
    assert "ballots-http" in report and "| postgresql | gunicorn" in report


SHARED_DATA = Path(os.environ.get("LOCALBRIDGE_SHARED_DATA", ROOT.parent / "shared" / "data"))


@sqlite_runner
@pytest.mark.skipif(
    not (SHARED_DATA / "twincities_hekman" / "twin_cities_geocoded.csv").is_file(),
    reason="the cooperation benchmark imports the real twin-city network from ../shared/data",
)
def test_the_cooperation_benchmark_runs_on_the_real_network(tmp_path):
    """The real network is imported whatever the scale (about 17,000 municipalities, 15 s); a scale below it
    generates nothing."""
    docs = tmp_path / "benchmarks.md"
    run_bench(tmp_path, "cooperation", scale=300, requests=3, docs=docs)
    result = json.loads((tmp_path / "results" / "cooperation-sqlite.json").read_text(encoding="utf-8"))
    facts = result["facts"]
    assert facts["real links"] > 20_000 and facts["generated municipalities"] == 0
    assert {s["key"] for s in result["scenarios"]} >= {
        "finder",
        "selector",
        "selector_near",
        "api",
        "country_page",
        "graph_api",
        "country_graph_api",
        "countries_page",
    }
    for scenario in result["scenarios"]:
        assert scenario["requests"] == 3
        assert 0 < scenario["p50_ms"] <= scenario["p95_ms"] <= scenario["max_ms"]
    assert next(s for s in result["scenarios"] if s["key"] == "api")["queries"] > 0
    assert "./dev bench cooperation --scale 300" in docs.read_text(encoding="utf-8")
