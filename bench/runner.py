"""`python -m bench [NAME…] [--scale N] [--databases sqlite,postgresql] [--requests N]` (`./dev bench …`).

For each benchmark and database: a fresh database (an SQLite file under var/bench/, or the PostgreSQL database
`localbridge_bench`, skipped with a note when PostgreSQL cannot be reached), then a worker process with
DATABASE_URL set that migrates, loads the reference territories, builds the data and measures. Results go to
bench/results/<name>-<database>.json and docs/benchmarks.md is regenerated from every result there."""

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/localbridge_bench"


def _parser() -> argparse.ArgumentParser:
    from bench.suite import BENCHMARKS

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all: {', '.join(BENCHMARKS)})"
    )
    parser.add_argument("--scale", type=int, default=None, help="data scale (default: each benchmark's own)")
    parser.add_argument("--databases", default=",".join(DATABASES), help="comma-separated: sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="requests before measuring (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reference",
        choices=["full", "minimal"],
        default="full",
        help="territories: load_reference (full, default) or a few towns (minimal, for quick checks)",
    )
    parser.add_argument("--output-dir", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "var" / "bench", help="where SQLite files go")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the report to rewrite")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the report")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the data a previous run of the same benchmark built (after a code change), keeping "
        "that run's build figures; the database is neither recreated nor seeded",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="the PostgreSQL database to (re)create and use (default %(default)s)",
    )
    return parser


def _recreate_postgres(url: str) -> str | None:
    """Drop and create the bench database; None when it worked, else why it did not."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    try:
        with psycopg.connect(
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            user=config["USER"] or "postgres",
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
            autocommit=True,
        ) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def _database_url(database: str, *, name: str, args: argparse.Namespace) -> str | None:
    if database == "sqlite":
        args.work_dir.mkdir(parents=True, exist_ok=True)
        path = (args.work_dir / f"{name}.sqlite3").resolve()
        if args.reuse:
            return f"sqlite:///{path}" if path.exists() else None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if args.reuse:
        return args.postgres_url
    problem = _recreate_postgres(args.postgres_url)
    if problem:
        print(f"note: PostgreSQL is not reachable at {args.postgres_url} ({problem}): skipping the PostgreSQL pass.")
        return None
    return args.postgres_url


def main(argv: list[str] | None = None) -> int:
    from bench.suite import BENCHMARKS

    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    names = args.names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if bad := [d for d in databases if d not in DATABASES]:
        print(f"unknown database(s): {', '.join(bad)}; use {', '.join(DATABASES)}", file=sys.stderr)
        return 2

    failures = 0
    for name in names:
        benchmark = BENCHMARKS[name]
        scale = args.scale or benchmark.DEFAULT_SCALE
        command = shlex.join(
            [
                "./dev",
                "bench",
                name,
                "--scale",
                str(scale),
                "--databases",
                ",".join(databases),
                "--requests",
                str(args.requests),
            ]
        )
        for database in databases:
            if database not in getattr(benchmark, "DATABASES", DATABASES):
                print(f"note: {name} runs on {', '.join(benchmark.DATABASES)} only: skipping {database}.")
                continue
            url = _database_url(database, name=name, args=args)
            if url is None:
                continue
            print(
                f"== {name} on {database}: {scale} {benchmark.SCALE_UNIT}, {args.requests} requests per page",
                flush=True,
            )
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "localbridge.settings",
                "LOCALBRIDGE_ENV": "development",
                "DEBUG": "0",  # no query log, no debug toolbar-ish overhead: as served
                "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
                "LOG_LEVEL": "ERROR",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
            }
            output = args.output_dir / f"{name}-{database}.json"
            completed = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.worker",
                    "--name",
                    name,
                    "--database",
                    database,
                    "--scale",
                    str(scale),
                    "--requests",
                    str(args.requests),
                    "--warmup",
                    str(args.warmup),
                    "--seed",
                    str(args.seed),
                    "--reference",
                    args.reference,
                    "--output",
                    str(output),
                    "--command",
                    command,
                    *(["--reuse"] if args.reuse else []),
                ],
                cwd=ROOT,
                env=env,
                check=False,
            )
            if completed.returncode != 0:
                print(f"!! {name} on {database} failed (exit {completed.returncode})", file=sys.stderr)
                failures += 1
    if not args.no_docs:
        from bench.report import write_report

        write_report(results_dir=args.output_dir, target=args.docs)
        print(f"wrote {args.docs}")
    return 1 if failures else 0
