"""One database pass of one benchmark, in its own process (the runner sets DATABASE_URL before Django starts):
migrate, load the reference territories, build the data, measure, write the JSON result."""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def _reference(mode: str) -> str:
    from django.core.management import call_command, get_commands

    if mode == "full":
        if "load_reference" not in get_commands():
            raise SystemExit("load_reference is not available: use --reference minimal")
        import io

        call_command("load_reference", verbosity=0, stdout=io.StringIO())
        return "load_reference (ISO 3166, shared data, GeoNames)"
    from bench.reference import load_minimal_reference

    load_minimal_reference()
    return "minimal (a few real municipalities, for the bench's own test)"


def _settle() -> None:
    """The steady state of a database in use: planner statistics, as autovacuum (PostgreSQL) or a maintenance
    job (SQLite) keeps them, and for SQLite the write-ahead log folded back into the database file, as its
    automatic checkpoints do in time (readers would otherwise look through the seeding's 60 MB of log)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def _measure(scenario: Any, *, requests: int, warmup: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.stats import summary

    client = Client()
    if scenario.user is not None:
        client.force_login(scenario.user)

    def fetch(i: int) -> tuple[int, int]:
        if scenario.call is not None:
            scenario.call(i)
            return 200, 0
        response = client.get(scenario.path(i))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, len(body)

    for i in range(warmup):
        fetch(i)
    with CaptureQueriesContext(connection) as captured:
        status, size = fetch(0)
    queries = len(captured)  # now: the next request clears the connection's query log
    if status != 200:
        raise SystemExit(f"{scenario.key}: {scenario.path(0)} answered {status}")
    samples = []
    for i in range(requests):
        started = time.perf_counter()
        status, _size = fetch(i)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{scenario.key}: {scenario.path(i)} answered {status}")
    return {
        "key": scenario.key,
        "label": scenario.label,
        "example_url": scenario.path(0),
        "notes": scenario.notes,
        "signed_in": scenario.user is not None,
        "requests": requests,
        "queries": queries,
        "response_bytes": size,
        **summary(samples),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("--name", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference", choices=["full", "minimal"], default="full")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--command", default="")
    parser.add_argument("--reuse", action="store_true", help="measure on the data a previous run built")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localbridge.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.machine import machine_info
    from bench.suite import BENCHMARKS

    benchmark = BENCHMARKS[args.name]
    timings: dict[str, float] = {}

    previous: dict[str, Any] = {}
    if args.reuse:
        # The data of a previous run of the same benchmark: its build figures stand, the pages are measured again.
        if not hasattr(benchmark, "reuse"):
            raise SystemExit(f"--reuse: {args.name} cannot reuse its data")
        previous = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
        if previous and previous.get("scale") != args.scale:
            raise SystemExit(f"--reuse: the previous run was at scale {previous.get('scale')}, not {args.scale}")
        timings = dict(previous.get("timings", {}))
        reference = previous.get("reference", "load_reference (ISO 3166, shared data, GeoNames)")
        built = benchmark.reuse(scale=args.scale, seed=args.seed, facts=previous.get("facts", {}))
        _settle()
    else:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        timings["migrate_s"] = round(time.perf_counter() - started, 2)

        started = time.perf_counter()
        reference = _reference(args.reference)
        timings["reference_s"] = round(time.perf_counter() - started, 2)

        started = time.perf_counter()
        built = benchmark.build(scale=args.scale, seed=args.seed)
        _settle()
        timings["build_s"] = round(time.perf_counter() - started, 2)

    from bench.machine import load_average

    load_before = load_average()
    results = []
    load: dict[str, Any] | None = None
    if hasattr(benchmark, "measure"):  # a load test with its own measurement (e.g. ballots over HTTP)
        load = benchmark.measure(built, requests=args.requests, warmup=args.warmup)
        print(f"  {args.database:<10} {json.dumps(load, ensure_ascii=False)}", flush=True)
    for scenario in benchmark.scenarios(built) if load is None else []:
        result = _measure(scenario, requests=args.requests, warmup=args.warmup)
        print(
            f"  {args.database:<10} {scenario.label:<55} p50 {result['p50_ms']:>8.1f} ms  "
            f"p95 {result['p95_ms']:>8.1f} ms  ({result['queries']} queries)",
            flush=True,
        )
        results.append(result)

    machine = {**machine_info(), "load_average_before": load_before, "load_average_after": load_average()}
    payload = {
        "benchmark": benchmark.NAME,
        "title": benchmark.TITLE,
        "database": args.database,
        "database_version": _database_version(),
        "scale": args.scale,
        "scale_unit": benchmark.SCALE_UNIT,
        "seed": args.seed,
        "requests": args.requests,
        "warmup": args.warmup,
        "reference": reference,
        "facts": built.facts,
        "notes": getattr(benchmark, "NOTES", ""),
        "timings": timings,
        "scenarios": results,
        **({"load": load} if load is not None else {}),
        "machine": machine,
        "command": args.command,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "built_at": previous.get("built_at") or previous.get("measured_at")
        if args.reuse
        else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "client": getattr(
            benchmark,
            "CLIENT",
            "django.test.Client (in process: URL routing, middleware, views, templates, ORM; no HTTP server)",
        ),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
