"""The balanced assignment of experts (contests/assignment.py): coverage, conflicts, balance, existing
assignments, impossibility and speed — plain unit tests and hypothesis properties, no database."""

import random
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localbridge.contests.assignment import AssignmentImpossible, assign


def loads_of(result, experts, existing=None):
    loads = Counter({expert_id: 0 for expert_id, _blocked in experts})
    for expert_ids in list(result.values()) + [list(v) for v in (existing or {}).values()]:
        loads.update(expert_ids)
    return loads


def check_coverage(applications, experts, per_app, result, existing=None):
    blocked = dict(experts)
    existing = existing or {}
    assert set(result) == {app_id for app_id, _org in applications}
    for app_id, org in applications:
        before = set(existing.get(app_id, ()))
        added = result[app_id]
        assert len(added) == len(set(added)), "an expert twice on one application"
        assert not before & set(added)
        assert len(before) + len(added) == max(per_app, len(before))
        for expert_id in added:
            assert org not in blocked[expert_id], "an expert assigned despite a conflict"


def eligible_count(org, experts, existing_on_app=()):
    return sum(1 for expert_id, blocked in experts if org not in blocked and expert_id not in existing_on_app)


def max_flow(capacity, source, sink):
    """Edmonds–Karp on a dict-of-dicts capacity graph (small inputs only)."""
    flow = 0
    residual = {u: dict(vs) for u, vs in capacity.items()}
    for u, vs in capacity.items():
        for v in vs:
            residual.setdefault(v, {}).setdefault(u, 0)
    while True:
        parent = {source: None}
        queue = [source]
        for u in queue:
            for v, c in residual[u].items():
                if c > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        v = sink
        while parent[v] is not None:
            u = parent[v]
            residual[u][v] -= 1
            residual[v][u] += 1
            v = u
        flow += 1


def min_feasible_max_load(applications, experts, per_app, existing=None):
    """The smallest L such that some assignment keeps every load ≤ L (by max-flow, for small inputs)."""
    existing = existing or {}
    base = loads_of({}, experts, existing)
    needs = {app_id: max(0, per_app - len(set(existing.get(app_id, ())))) for app_id, _org in applications}
    total = sum(needs.values())
    start = max(base.values(), default=0)
    for limit in range(start, start + total + 1):
        graph: dict = {"s": {}, "t": {}}
        for app_id, org in applications:
            graph["s"][("a", app_id)] = needs[app_id]
            graph[("a", app_id)] = {
                ("e", e): 1 for e, blocked in experts if org not in blocked and e not in set(existing.get(app_id, ()))
            }
        for e, _blocked in experts:
            graph[("e", e)] = {"t": limit - base[e]}
        if max_flow(graph, "s", "t") == total:
            return limit
    return None


def test_assign_gives_each_application_n_distinct_experts():
    applications = [(a, f"org{a}") for a in range(10)]
    experts = [(e, frozenset()) for e in "abcde"]
    result = assign(applications, experts, 3)
    check_coverage(applications, experts, 3, result)


def test_assign_balances_loads_within_one_without_conflicts():
    applications = [(a, a) for a in range(7)]
    experts = [(e, frozenset()) for e in range(5)]
    loads = loads_of(assign(applications, experts, 3), experts)
    assert sum(loads.values()) == 21
    assert max(loads.values()) - min(loads.values()) <= 1


def test_assign_never_gives_an_expert_a_conflicted_application():
    applications = [(1, "tos"), (2, "ngo"), (3, "tos")]
    experts = [("a", frozenset({"tos"})), ("b", frozenset()), ("c", frozenset()), ("d", frozenset({"ngo"}))]
    result = assign(applications, experts, 2)
    check_coverage(applications, experts, 2, result)
    assert "a" not in result[1] and "a" not in result[3]
    assert "d" not in result[2]


def test_assign_keeps_existing_assignments_and_counts_them():
    applications = [(1, "x"), (2, "y")]
    experts = [("a", frozenset()), ("b", frozenset()), ("c", frozenset())]
    result = assign(applications, experts, 2, existing={1: {"a", "b"}, 2: {"a"}})
    assert result[1] == []
    assert len(result[2]) == 1 and result[2][0] in {"b", "c"}
    # "a" already carries two; the new one goes to the less-loaded "c".
    assert result[2] == ["c"]


def test_assign_counts_an_existing_expert_unknown_to_the_list_for_the_application():
    result = assign([(1, "x")], [("a", frozenset()), ("b", frozenset())], 2, existing={1: {"gone"}})
    assert len(result[1]) == 1


def test_assign_raises_impossible_naming_the_applications_short_of_experts():
    applications = [(1, "tos"), (2, "ngo"), (3, "tos")]
    experts = [("a", frozenset({"tos"})), ("b", frozenset({"tos"})), ("c", frozenset())]
    with pytest.raises(AssignmentImpossible) as excinfo:
        assign(applications, experts, 2)
    assert excinfo.value.applications == [1, 3]
    assert excinfo.value.shortfalls == {1: (1, 2), 3: (1, 2)}


def test_assign_is_impossible_with_fewer_experts_than_needed():
    with pytest.raises(AssignmentImpossible):
        assign([(1, "x")], [("a", frozenset())], 2)


def test_assign_with_no_applications_returns_nothing():
    assert assign([], [("a", frozenset())], 3) == {}


def test_assign_refuses_a_non_positive_number_of_experts():
    with pytest.raises(ValueError):
        assign([(1, "x")], [("a", frozenset())], 0)


def test_assign_repairs_balance_a_greedy_pass_would_miss():
    # Experts a and b may review only org "p"; c and d everything. Whatever order the greedy takes, the final
    # loads must be as even as possible: 12 assignments over 4 experts → 3 each.
    applications = [(k, "p" if k < 3 else "q") for k in range(6)]
    experts = [("a", frozenset({"q"})), ("b", frozenset({"q"})), ("c", frozenset()), ("d", frozenset())]
    result = assign(applications, experts, 2)
    check_coverage(applications, experts, 2, result)
    assert sorted(loads_of(result, experts).values()) == [3, 3, 3, 3]


def test_assign_is_deterministic():
    rnd = random.Random(7)
    applications = [(a, rnd.randrange(20)) for a in range(200)]
    experts = [(e, frozenset(rnd.sample(range(20), 3))) for e in range(30)]
    assert assign(applications, experts, 3) == assign(applications, experts, 3)


def test_assign_scales_to_ten_thousand_applications_and_three_hundred_experts():
    rnd = random.Random(1)
    applications = [(a, rnd.randrange(2000)) for a in range(10_000)]
    experts = [(e, frozenset(rnd.sample(range(2000), 20))) for e in range(300)]
    started = time.perf_counter()
    result = assign(applications, experts, 3)
    elapsed = time.perf_counter() - started
    check_coverage(applications, experts, 3, result)
    loads = loads_of(result, experts)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert elapsed < 5, f"took {elapsed:.1f}s"


# --- properties ----------------------------------------------------------------------------------------------


@st.composite
def instances(draw, conflicts=True, existing=False):
    n_orgs = draw(st.integers(1, 5))
    n_experts = draw(st.integers(1, 7))
    n_apps = draw(st.integers(0, 9))
    per_app = draw(st.integers(1, 4))
    applications = [(a, draw(st.integers(0, n_orgs - 1))) for a in range(n_apps)]
    experts = [
        (
            f"e{e}",
            frozenset(draw(st.sets(st.integers(0, n_orgs - 1), max_size=n_orgs))) if conflicts else frozenset(),
        )
        for e in range(n_experts)
    ]
    before: dict = {}
    if existing:
        for app_id, _org in applications:
            chosen = draw(st.sets(st.sampled_from([e for e, _b in experts]), max_size=2))
            if chosen:
                before[app_id] = chosen
    return applications, experts, per_app, before


@settings(max_examples=300, deadline=None)
@given(instances(conflicts=False))
def test_assign_property_without_conflicts_loads_differ_by_at_most_one(instance):
    applications, experts, per_app, _before = instance
    if per_app > len(experts) and applications:
        with pytest.raises(AssignmentImpossible):
            assign(applications, experts, per_app)
        return
    result = assign(applications, experts, per_app)
    check_coverage(applications, experts, per_app, result)
    loads = loads_of(result, experts)
    assert max(loads.values()) - min(loads.values()) <= 1


@settings(max_examples=400, deadline=None)
@given(instances(conflicts=True, existing=True))
def test_assign_property_with_conflicts_is_complete_or_truly_impossible_and_as_even_as_allowed(instance):
    applications, experts, per_app, before = instance
    short = [
        app_id
        for app_id, org in applications
        if eligible_count(org, experts, before.get(app_id, ())) < max(0, per_app - len(before.get(app_id, ())))
    ]
    if short:
        with pytest.raises(AssignmentImpossible) as excinfo:
            assign(applications, experts, per_app, before)
        assert excinfo.value.applications == short
        return
    result = assign(applications, experts, per_app, before)
    check_coverage(applications, experts, per_app, result, before)
    loads = loads_of(result, experts, before)
    blocked = dict(experts)
    # No single move of an added assignment evens the loads out.
    for app_id, org in applications:
        on_app = set(before.get(app_id, ())) | set(result[app_id])
        for giver in result[app_id]:
            for taker, _b in experts:
                if taker not in on_app and org not in blocked[taker]:
                    assert loads[taker] >= loads[giver] - 1
    # And the heaviest load is the smallest any assignment could achieve.
    if applications:
        assert max(loads.values()) == min_feasible_max_load(applications, experts, per_app, before)
