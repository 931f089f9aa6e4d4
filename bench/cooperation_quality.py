"""The partner finder's offline quality: recall@10 on hidden links of the real twin-city network.

`python -m bench.cooperation_quality [--hide 0.1] [--seed 1] [--k 10] [--json]` (DATABASE_URL chooses the
database; it must hold the imported network, e.g. after `./dev bench cooperation` or `import_twin_cities`).

A share of the real links is hidden (a seeded sample of the links sorted by their ids' pair: the same seed hides
the same links), the finder's index is built again without them, and for every municipality that lost a link we
ask how many of its hidden partners are among the k suggested (recall@k), for the finder and two baselines:
- nearest: the k nearest municipalities (great-circle distance);
- popular: the k most linked municipalities of the remaining network.
Each ranks every municipality except the one asking and its remaining partners, as the finder does. The figure is
the mean over those municipalities (each municipality counts once); `hits` is the share of hidden links found.
Generated municipalities (the benchmark's, named "… (generated)") and their links are left out. The real network
has no sought areas, so `shared_interests` plays no part."""

from __future__ import annotations

import argparse
import bisect
import heapq
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any

Row = tuple[int, str, str, str, str, int | None, float | None, float | None]
METHODS = ("finder", "nearest", "popular")


def hide_links(
    links: Iterable[tuple[int, int]], *, share: float, seed: int
) -> tuple[list[tuple[int, int]], set[tuple[int, int]]]:
    """(kept, hidden): `share` of the distinct undirected links, drawn with `seed` from the links in order."""
    ordered = sorted({(min(a, b), max(a, b)) for a, b in links if a != b})
    hidden = set(random.Random(seed).sample(ordered, round(share * len(ordered))))
    return [pair for pair in ordered if pair not in hidden], hidden


def _nearest(index: Any, me: int, excluded: set[int], k: int, by_lat: list[int], lats: list[float]) -> list[int]:
    """The k nearest positions to `me`: walk outwards in latitude, stop once the latitude gap alone is farther
    than the k-th best (a great-circle distance is never shorter than its north-south part)."""
    from localbridge.cooperation.finder import KM_PER_DEGREE

    lat = index.latitudes[me]
    if lat is None or index.longitudes[me] is None:
        return []
    best: list[tuple[float, int, int]] = []  # a max-heap by distance: (-km, -id, position)
    high = bisect.bisect_left(lats, lat)
    low = high - 1
    while low >= 0 or high < len(lats):
        gap_low = lat - lats[low] if low >= 0 else float("inf")
        gap_high = lats[high] - lat if high < len(lats) else float("inf")
        if gap_low <= gap_high:
            j, gap, low = by_lat[low], gap_low, low - 1
        else:
            j, gap, high = by_lat[high], gap_high, high + 1
        if len(best) == k and gap * KM_PER_DEGREE > -best[0][0]:
            break
        if j in excluded:
            continue
        km = index.km(me, j)
        if km is None:
            continue
        item = (-km, -index.ids[j], j)
        if len(best) < k:
            heapq.heappush(best, item)
        elif item > best[0]:
            heapq.heapreplace(best, item)
    return [j for _km, _id, j in sorted(best, reverse=True)]


def evaluate(rows: Sequence[Row], links: Iterable[tuple[int, int]], *, hide: float, seed: int, k: int = 10) -> dict:
    """Recall@k of the finder and the baselines after hiding `hide` of the links (see the module's docstring)."""
    from localbridge.cooperation import finder

    started = time.perf_counter()
    kept, hidden = hide_links(links, share=hide, seed=seed)
    index = finder.Index.build(rows, kept)
    lost: dict[int, set[int]] = {}
    for a, b in hidden:
        i, j = index.position.get(a), index.position.get(b)
        if i is not None and j is not None:
            lost.setdefault(i, set()).add(j)
            lost.setdefault(j, set()).add(i)
    located = sorted(
        (lat, i) for i, lat in enumerate(index.latitudes) if lat is not None and index.longitudes[i] is not None
    )
    lats, by_lat = [lat for lat, _i in located], [i for _lat, i in located]
    popular = sorted(range(len(index.ids)), key=lambda i: (-len(index.partners[i]), index.ids[i]))

    recall = dict.fromkeys(METHODS, 0.0)
    hits = dict.fromkeys(METHODS, 0)
    for me in sorted(lost, key=lambda i: index.ids[i]):
        wanted = lost[me]
        excluded = {me, *index.partners[me]}
        ranked = {
            "finder": [index.position[s.id] for s in finder.suggest(index, index.ids[me], limit=k)],
            "nearest": _nearest(index, me, excluded, k, by_lat, lats),
            "popular": [j for j in popular[: k + len(excluded)] if j not in excluded][:k],
        }
        for method, chosen in ranked.items():
            found = len(wanted.intersection(chosen))
            hits[method] += found
            recall[method] += found / len(wanted)
    cities = len(lost)
    pairs = sum(len(v) for v in lost.values())
    return {
        "hide": hide,
        "seed": seed,
        "k": k,
        "municipalities": len(index.ids),
        "links": len(kept) + len(hidden),
        "hidden_links": len(hidden),
        "cities": cities,
        f"recall_at_{k}": {m: round(recall[m] / cities, 4) if cities else 0.0 for m in METHODS},
        "hits": {m: round(hits[m] / pairs, 4) if pairs else 0.0 for m in METHODS},
        "seconds": round(time.perf_counter() - started, 1),
    }


def network_from_database() -> tuple[list[Row], list[tuple[int, int]]]:
    """The real network of the database: municipalities (generated ones left out) and the links between them."""
    from localbridge.cooperation.models import TwinLink
    from localbridge.territories.models import Municipality

    rows: list[Row] = list(
        Municipality.objects.exclude(name_en__endswith="(generated)")
        .order_by("pk")
        .values_list("pk", "name_ru", "name_en", "country__code", "kind", "population", "latitude", "longitude")
    )
    ids = {row[0] for row in rows}
    links = [
        (a, b)
        for a, b in TwinLink.objects.values_list("municipality_a_id", "municipality_b_id").iterator(chunk_size=10000)
        if a in ids and b in ids
    ]
    return rows, links


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cooperation_quality", description=__doc__.splitlines()[0])
    parser.add_argument("--hide", type=float, default=0.1, help="share of the links hidden (default 0.1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=10, help="suggestions per municipality (default 10)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if not 0 < args.hide < 1:
        parser.error("--hide must be between 0 and 1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localbridge.settings")
    import django

    django.setup()
    rows, links = network_from_database()
    if not links:
        print("The database has no twin-city links: import them first (import_twin_cities).", file=sys.stderr)
        return 1
    result = evaluate(rows, links, hide=args.hide, seed=args.seed, k=args.k)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{result['hidden_links']} of {result['links']} links hidden (seed {args.seed}); "
        f"{result['cities']} municipalities lost a link; {result['municipalities']} municipalities"
    )
    for method in METHODS:
        print(
            f"  {method:<8} recall@{args.k} {result[f'recall_at_{args.k}'][method]:.3f}  "
            f"(hidden links found {result['hits'][method]:.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
