"""LocalBridge benchmarks: `python -m bench [NAME…] [--scale N] [--databases sqlite,postgresql]`.

Each benchmark builds its data at a stated scale in a fresh database, measures pages through Django's test client
and writes bench/results/<name>-<database>.json; docs/benchmarks.md is regenerated from those files. Every
database pass runs in its own process with DATABASE_URL set, so Django's settings load cleanly for it."""
