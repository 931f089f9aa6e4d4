"""Background work of the indicators module (django-tasks: the database backend in development and production,
run by `manage.py db_worker`; executed at once under tests).

`recompute_indicators` recomputes the computed indicators (services.recompute_all). Enqueue it nightly from cron
(`manage.py recompute_indicators --enqueue`) and on demand from the indicators page (platform staff)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def recompute_indicators(year: int | None = None, codes: list[str] | None = None) -> dict[str, int]:
    """Recompute the computed indicators for `year` (default: every year of the window), all or those of
    `codes`; returns the number of values written per code. Arguments cross the queue as JSON."""
    return services.recompute_all(year=year, codes=codes)
