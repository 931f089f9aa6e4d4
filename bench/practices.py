"""The best-practice bank's search at national scale: 200,000 generated practices (`seed_practices`, on top of the
reference territories and 5,000 generated organisations), searched through `practices.search.practice_search`
(what the search page and the API call) with a fixed list of queries: Russian word forms, phrases, English, rare
and common words, with and without facet filters; then the same searches without facet counts, to show what the
counts cost; then the search page and the API when they exist."""

import time
from typing import Any
from urllib.parse import urlencode

from django.core.management import call_command
from django.db.models import Count

from bench.base import Built, Scenario

NAME = "practices"
TITLE = "Best-practice bank: search with facets"
DEFAULT_SCALE = 200_000
SCALE_UNIT = "practices"
NOTES = """\
- Each search returns 20 practices with snippets, the count and the counts of eight facets (topic, country,
  region, municipality, organisation kind, year, language, recommended), measured in process through
  `practice_search` (what the search page and the API call; their own rows add rendering and serialisation).
- Cost is bounded whatever the query matches (docs/search.md, "Cost"): one statement reads the first 501 matches
  (filters applied), counts them ("more than 500") and counts the eight facets over them (beyond 500 they are lower
  bounds, and the result says so); SQLite then ranks the newest 500 matches with bm25, PostgreSQL about 100
  candidates with ts_rank_cd (the first 50 matching in title or summary, the first 50 anywhere). Below those caps
  everything is exact.
- "without facets" rows run the same search with `facets=False` (a separate capped count instead): the difference
  is what the facet counts cost.
- Filters are keys in the search index (docs/search.md): with a query, a filter is an intersection of posting
  lists (FTS5, GIN), no longer a test of every match. A common word with a selective filter (region, topic + year,
  recommended) went from 130–320 ms p95 to 32–50 ms on SQLite and 53–61 ms on PostgreSQL. Browsing without a query
  walks an index that leads with the filter and ends with the publication order (region + topic: 317 → 32 ms p95
  on SQLite, 148 → 69 ms on PostgreSQL).
- Against the 50 ms p95 target for a search with facets: SQLite meets it but for a three-word query (58 ms);
  PostgreSQL is at 48–63 ms for common words, about 15 ms of it the facet counts (compare the "without facets"
  rows). Each statement that embeds a match builds the GIN bitmap of the word again (about 7 ms for «двор», which
  75,000 documents contain): the count with the facets, then the ranking window.
- The search page and the API add rendering, the session and serialisation: 45–82 ms p50.
- Build: both databases were seeded at the same time on this 2-core machine, with other work running:
  SQLite wrote the 200,000 practices in 102 s and indexed them in 476 s (420 per second); PostgreSQL in 89 s and
  600 s (333 per second). The migrate and reference figures in the table are from the previous build of the same
  data. The searches were then measured again on that data after the last code change (`--reuse`; the browse
  indexes applied by `migrate`), one database after the other; the load averages show how busy the machine was."""

# (key, label, query, filters); "{region}", "{rare}" are filled in once the data is built.
QUERIES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("ru_forms", "«благоустройство дворов» (word forms, common)", "благоустройство дворов", {}),
    ("ru_root", "«благоустроили двор» (derivation, common)", "благоустроили двор", {}),
    ("ru_two_common", "«детская площадка»", "детская площадка", {}),
    ("ru_phrase", 'phrase «"детской площадки"»', '"детской площадки"', {}),
    ("ru_twins", "«побратимы» (hyphenated compounds)", "побратимы", {}),
    ("ru_fair", "«ярмарки»", "ярмарки", {}),
    ("ru_memory", "«память героев войны»", "память героев войны", {}),
    ("ru_three", "«волонтёры помогают соседям»", "волонтёры помогают соседям", {}),
    ("ru_one_common", "«двор» (a word in a third of the bank)", "двор", {}),
    ("en_two", "«youth exchange» (English)", "youth exchange", {}),
    ("en_stems", "«volunteers planted trees» (English)", "volunteers planted trees", {}),
    ("rare", "a rare word: a municipality's name", "{rare}", {}),
    ("ru_region", "«двор» + region", "двор", {"region": "{region}"}),
    ("ru_topic_year", "«спорт» + topic + year", "спорт", {"topic": "sport", "year": 2020}),
    ("ru_recommended", "«ярмарка» + recommended", "ярмарка", {"recommended": "1"}),
    ("browse", "no query: newest first, all facets", "", {}),
    ("browse_filters", "no query + region + topic", "", {"region": "{region}", "topic": "landscaping"}),
]
WITHOUT_FACETS = ("ru_forms", "ru_one_common", "rare", "browse")


def build(*, scale: int, seed: int) -> Built:
    from localbridge.practices.management.commands.seed_practices import Command as SeedPractices
    from localbridge.practices.models import Practice, PracticeStatus
    from localbridge.territories.models import Municipality

    organizations = max(50, min(5000, scale // 40))
    started = time.perf_counter()
    call_command("seed_registry", organizations=organizations, seed=seed, verbosity=0)
    registry_s = time.perf_counter() - started
    seeder = SeedPractices()
    call_command(seeder, practices=scale, seed=seed, verbosity=0)
    published = Practice.objects.filter(status=PracticeStatus.PUBLISHED)
    busiest = published.values("region__code").annotate(n=Count("pk")).order_by("-n", "region__code").first()
    region = busiest["region__code"] if busiest else ""
    rare = _rare_word(published, Municipality)
    return Built(
        facts={
            "practices": Practice.objects.count(),
            "published": published.count(),
            "generated_organisations": organizations,
            "seed_registry_s": round(registry_s, 1),
            "practices_written_s": round(seeder.seeded_s, 1),
            "indexed": seeder.indexed,
            "index_s": round(seeder.index_s, 1),
            "indexing_per_second": round(seeder.indexed / seeder.index_s) if seeder.index_s else 0,
            "filtered_region": region,
            "rare_word": rare,
        },
        context={"region": region, "rare": rare},
    )


def reuse(*, scale: int, seed: int, facts: dict[str, Any]) -> Built:
    """The context of data a previous build made (`--reuse`): the same region and rare word, the build's facts."""
    from localbridge.practices.models import Practice, PracticeStatus
    from localbridge.territories.models import Municipality

    if Practice.objects.filter(is_generated=True).count() != scale:
        raise SystemExit(f"--reuse: the database does not hold {scale} generated practices")
    facts = dict(facts)
    if "filtered_region" not in facts:  # the previous run stopped before it wrote its result
        published = Practice.objects.filter(status=PracticeStatus.PUBLISHED)
        busiest = published.values("region__code").annotate(n=Count("pk")).order_by("-n", "region__code").first()
        facts.update(
            practices=Practice.objects.count(),
            published=published.count(),
            filtered_region=busiest["region__code"] if busiest else "",
            rare_word=_rare_word(published, Municipality),
        )
    return Built(facts=facts, context={"region": facts["filtered_region"], "rare": facts["rare_word"]})


def _rare_word(published: Any, municipality_model: Any) -> str:
    """The longest word of the name of a municipality with only a few published practices."""
    from localbridge.core.search.analysis import words

    row = (
        published.values("municipality")
        .annotate(n=Count("pk"))
        .filter(n__gte=1, n__lte=5)
        .order_by("n", "municipality")
        .first()
    )
    if row is None:
        return "Благовещенск"
    name = municipality_model.objects.get(pk=row["municipality"]).name_ru
    return max(words(name), key=len, default="Благовещенск")


def _fill(value: Any, context: dict[str, Any]) -> Any:
    return value.format(**context) if isinstance(value, str) and "{" in value else value


def _search(q: str, filters: dict[str, Any], *, facets: bool = True) -> Any:
    from localbridge.practices.search import practice_search

    return practice_search(q=q, user=None, facets=facets, **filters)


def _describe(q: str, filters: dict[str, Any], facets: bool = True) -> str:
    params = {"q": q, **{k: str(v) for k, v in filters.items()}}
    return "practice_search(" + urlencode(params) + ("" if facets else ", facets=False") + ")"


def _exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def scenarios(built: Built) -> list[Scenario]:
    context = built.context
    result: list[Scenario] = []
    for key, label, raw_q, raw_filters in QUERIES:
        q = _fill(raw_q, context)
        filters = {name: _fill(value, context) for name, value in raw_filters.items()}
        label = label.replace("a municipality's name", f"«{q}»") if key == "rare" else label
        result.append(
            Scenario(
                key,
                label,
                lambda i, q=q, f=filters: _describe(q, f),
                call=lambda i, q=q, f=filters: _search(q, f),
            )
        )
        if key in WITHOUT_FACETS:
            result.append(
                Scenario(
                    f"{key}_nofacets",
                    f"{label}, without facets",
                    lambda i, q=q, f=filters: _describe(q, f, facets=False),
                    call=lambda i, q=q, f=filters: _search(q, f, facets=False),
                )
            )
    web = {"q": "благоустройство дворов", "region": context["region"]}
    if _exists("/practices/"):
        result.append(Scenario("page", "Search page: «благоустройство дворов» + region", lambda i: _url(web)))
    if _exists("/api/v1/practices/"):
        result.append(
            Scenario("api", "API: «благоустройство дворов» + region", lambda i: _url(web, "/api/v1/practices/"))
        )
    return result


def _url(params: dict[str, Any], path: str = "/practices/") -> str:
    return path + "?" + urlencode(params)
