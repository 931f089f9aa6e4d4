"""The partner finder's offline quality check (bench/cooperation_quality.py) on a tiny synthetic network: five
far-apart towns all twinned with each other, each with ten unlinked neighbours close by."""

from bench.cooperation_quality import evaluate, hide_links

CLIQUE = {1: (0.0, 0.0), 2: (0.0, 20.0), 3: (20.0, 0.0), 4: (20.0, 20.0), 5: (40.0, 10.0)}


def _network():
    rows = []
    for pk, (lat, lon) in CLIQUE.items():
        country = f"C{pk}"
        rows.append((pk, f"Town {pk}", f"Town {pk}", country, "foreign", None, lat, lon))
        for n in range(10):  # neighbours a few kilometres away, in the same country, without links
            other = 100 * pk + n
            rows.append((other, f"Near {other}", f"Near {other}", country, "foreign", None, lat + 0.01 * (n + 1), lon))
    links = [(a, b) for a in CLIQUE for b in CLIQUE if a < b]
    return rows, links


def test_hiding_is_a_seeded_share_of_the_distinct_links():
    links = [(1, 2), (2, 1), (3, 1), (2, 3), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (1, 10)]
    kept, hidden = hide_links(links, share=0.2, seed=1)
    assert len(hidden) == 2 and len(kept) == 8  # ten distinct links, (2, 1) repeats (1, 2)
    assert hidden.isdisjoint(kept) and all(a < b for a, b in [*kept, *hidden])
    assert hide_links(reversed(links), share=0.2, seed=1) == (kept, hidden)  # the order of the input is irrelevant
    assert hide_links(links, share=0.2, seed=2)[1] != hidden or hide_links(links, share=0.2, seed=3)[1] != hidden


def test_the_finder_recovers_a_hidden_twin_where_the_nearest_baseline_cannot():
    rows, links = _network()
    result = evaluate(rows, links, hide=0.1, seed=1)
    assert (result["links"], result["hidden_links"], result["cities"], result["municipalities"]) == (10, 1, 2, 55)
    # The two towns that lost their link still share three partners: the finder ranks each other first.
    assert result["recall_at_10"] == {"finder": 1.0, "nearest": 0.0, "popular": 1.0}
    assert result["hits"] == result["recall_at_10"]
    assert evaluate(rows, links, hide=0.1, seed=1)["recall_at_10"] == result["recall_at_10"]
