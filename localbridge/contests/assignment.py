"""Balanced assignment of experts to applications: a pure calculation, no database.

Each application needs `per_app` distinct experts; an expert is *eligible* for an application when the
applicant organisation is not among the expert's blocked organisations (a declared conflict of interest or an
active membership) and the expert is not already on the application. Existing assignments are kept as they are
and count both towards the application's `per_app` and towards the expert's load.

What `assign` guarantees
------------------------
1. Feasibility. It succeeds exactly when every application has at least as many eligible experts as it still
   needs (experts have no upper capacity, so nothing else can make the problem impossible). Otherwise it raises
   `AssignmentImpossible` naming every application that falls short, and assigns nothing.
2. Coverage. Every application ends with max(per_app, number of existing experts) distinct experts; none of the
   added experts is blocked for it.
3. Balance. Without conflicts and without existing assignments, the loads of all experts differ by at most one.
   In general (conflicts, existing assignments) the loads are as even as the constraints allow: there is no
   *cost-reducing path* — no chain of moves of added assignments (expert u hands application a1 to expert e1,
   e1 hands a2 to e2, …, to expert v) with load(u) ≥ load(v) + 2. By the optimality condition of balanced
   flows, the resulting load vector is the most even one reachable by changing only the added assignments: it
   has the smallest possible maximum load, the largest possible minimum load and the smallest sum of squared
   loads, all at once. In particular, for every added assignment (a, e) and every expert f eligible for a,
   load(f) ≥ load(e) − 1.

How
---
Greedy, most constrained application first (fewest eligible experts), each taking the least-loaded eligible
experts from a heap (ties: the expert who received an assignment longest ago, then the input order), which
alone keeps the loads within one of each other when there are no conflicts. Then a repair pass searches for
cost-reducing paths breadth-first and shifts assignments along them until none is left. The result is
deterministic for a given input order. 10,000 applications × 300 experts × 3 runs in about a second.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

AppId = TypeVar("AppId", bound=Hashable)
ExpertId = TypeVar("ExpertId", bound=Hashable)
OrgId = Hashable

# Applications with more ineligible experts than this pick from the list of eligible ones directly instead of
# popping the heap past the ineligible ones.
_DIRECT_PICK_THRESHOLD = 48


class AssignmentImpossible(Exception):
    """Some applications have fewer eligible experts than they need.

    `shortfalls` maps each such application to (eligible experts, experts still needed)."""

    def __init__(self, shortfalls: Mapping[Hashable, tuple[int, int]]) -> None:
        self.shortfalls = dict(shortfalls)
        self.applications = list(self.shortfalls)
        super().__init__(
            "Not enough eligible experts for "
            + ", ".join(f"{app} ({eligible} of {needed})" for app, (eligible, needed) in self.shortfalls.items())
        )


def assign(
    applications: Sequence[tuple[AppId, OrgId]],
    experts: Sequence[tuple[ExpertId, Collection[OrgId]]],
    per_app: int,
    existing: Mapping[AppId, Iterable[ExpertId]] | None = None,
) -> dict[AppId, list[ExpertId]]:
    """Add experts to applications so that each has `per_app` distinct eligible experts and the loads are
    balanced (see the module's docstring for the exact guarantee).

    applications: (application id, applicant organisation id), in a stable order (it breaks ties).
    experts: (expert id, organisations the expert may not review), in a stable order.
    existing: experts already on each application; they stay, count towards `per_app` and towards the
      experts' loads (an existing expert missing from `experts` counts for the application only).

    Returns the experts to add to each application (every application is a key, maybe with an empty list).
    Raises AssignmentImpossible when some application has fewer eligible experts than it needs; ValueError
    for a non-positive `per_app` or duplicate ids.
    """
    if per_app < 1:
        raise ValueError("per_app must be at least 1")
    existing = existing or {}
    expert_ids = [expert_id for expert_id, _blocked in experts]
    index = {expert_id: i for i, expert_id in enumerate(expert_ids)}
    if len(index) != len(expert_ids):
        raise ValueError("duplicate expert ids")
    app_ids = [app_id for app_id, _org in applications]
    if len(set(app_ids)) != len(app_ids):
        raise ValueError("duplicate application ids")
    n_experts = len(expert_ids)

    blocked_by_org: dict[OrgId, set[int]] = {}
    for i, (_expert_id, blocked) in enumerate(experts):
        for org in blocked:
            blocked_by_org.setdefault(org, set()).add(i)

    loads = [0] * n_experts
    on_app: list[set[int]] = []  # expert indexes on each application (existing and added)
    fixed_count: list[int] = []  # existing experts on each application, known or not
    for app_id, _org in applications:
        present = set(existing.get(app_id, ()))
        known = {index[e] for e in present if e in index}
        for i in known:
            loads[i] += 1
        on_app.append(known)
        fixed_count.append(len(present))

    # Feasibility and the order of work: fewest eligible experts first.
    needs: list[int] = []
    eligible_counts: list[int] = []
    shortfalls: dict[Hashable, tuple[int, int]] = {}
    for k, (app_id, org) in enumerate(applications):
        need = max(0, per_app - fixed_count[k])
        blocked = blocked_by_org.get(org, set())
        eligible = n_experts - len(blocked | on_app[k])
        needs.append(need)
        eligible_counts.append(eligible)
        if eligible < need:
            shortfalls[app_id] = (eligible, need)
    if shortfalls:
        raise AssignmentImpossible(shortfalls)

    added: list[list[int]] = [[] for _ in applications]
    stamps = [0] * n_experts  # when each expert last received an assignment (0: never)
    clock = 0
    heap = [(loads[i], 0, i) for i in range(n_experts)]
    heapq.heapify(heap)

    def give(i: int, k: int) -> None:
        nonlocal clock
        clock += 1
        loads[i] += 1
        stamps[i] = clock
        on_app[k].add(i)
        added[k].append(i)
        heapq.heappush(heap, (loads[i], clock, i))

    order = sorted((k for k in range(len(applications)) if needs[k]), key=lambda k: (eligible_counts[k], k))
    for k in order:
        need = needs[k]
        ineligible = blocked_by_org.get(applications[k][1], set()) | on_app[k]
        if len(ineligible) > _DIRECT_PICK_THRESHOLD:
            candidates = [i for i in range(n_experts) if i not in ineligible]
            for i in heapq.nsmallest(need, candidates, key=lambda i: (loads[i], stamps[i], i)):
                give(i, k)
            continue
        skipped = []
        while need:
            load, stamp, i = heapq.heappop(heap)
            if load != loads[i] or stamp != stamps[i]:
                continue  # stale entry: the expert was pushed again with a newer load
            if i in ineligible:
                skipped.append((load, stamp, i))
                continue
            give(i, k)
            ineligible.add(i)
            need -= 1
        for entry in skipped:
            heapq.heappush(heap, entry)

    _repair(applications, blocked_by_org, loads, on_app, added)
    return {app_id: [expert_ids[i] for i in added[k]] for k, (app_id, _org) in enumerate(applications)}


def _repair(
    applications: Sequence[tuple[Hashable, OrgId]],
    blocked_by_org: Mapping[OrgId, set[int]],
    loads: list[int],
    on_app: list[set[int]],
    added: list[list[int]],
) -> None:
    """Shift added assignments along cost-reducing paths until there is none (see the module's docstring)."""
    n_experts = len(loads)
    if n_experts < 2:
        return
    # held[i]: applications to which expert i was added (only these may move).
    held: list[set[int]] = [set() for _ in range(n_experts)]
    for k, experts in enumerate(added):
        for i in experts:
            held[i].add(k)
    while True:
        low, high = min(loads), max(loads)
        if high - low <= 1:
            return
        path = None
        # A cost-reducing path starts at an expert with load ≥ level and ends at one with load ≤ level − 2.
        for level in range(high, low + 1, -1):
            path = _find_path(level, applications, blocked_by_org, loads, on_app, held)
            if path is not None:
                break
        if path is None:
            return
        # path: [u, a1, e1, a2, e2, …, ak, ek]; u hands a1 to e1, e1 hands a2 to e2, …
        giver = path[0]
        for step in range(1, len(path), 2):
            k, taker = path[step], path[step + 1]
            held[giver].discard(k)
            held[taker].add(k)
            on_app[k].discard(giver)
            on_app[k].add(taker)
            added[k][added[k].index(giver)] = taker
            giver = taker
        loads[path[0]] -= 1
        loads[path[-1]] += 1


def _find_path(
    level: int,
    applications: Sequence[tuple[Hashable, OrgId]],
    blocked_by_org: Mapping[OrgId, set[int]],
    loads: list[int],
    on_app: list[set[int]],
    held: list[set[int]],
) -> list[int] | None:
    """Breadth-first search from all experts with load ≥ level to any expert with load ≤ level − 2, moving
    from an expert to an application it was added to, and from an application to an eligible expert not on
    it. Returns [u, a1, e1, …, ak, ek] or None."""
    n_experts = len(loads)
    sources = [i for i in range(n_experts) if loads[i] >= level]
    # Unvisited experts, least loaded first, so that a target is met as early as possible.
    candidates = sorted((i for i in range(n_experts) if loads[i] < level), key=lambda i: (loads[i], i))
    if not candidates or loads[candidates[0]] > level - 2:
        return None
    unvisited = set(candidates)
    # Per organisation already scanned: the unvisited experts not blocked for it (those left were on the
    # application scanned last). Eligibility depends on the organisation and on who is on the application only,
    # so later applications of the same organisation need not scan everyone again.
    open_for: dict[OrgId, list[int]] = {}
    came_from: dict[int, tuple[int, int]] = {}  # expert -> (application, previous expert)
    seen_apps: set[int] = set()
    queue = deque(sources)
    while queue and unvisited:
        giver = queue.popleft()
        for k in held[giver]:  # a set of ints: a deterministic order
            if k in seen_apps:
                continue
            seen_apps.add(k)
            org = applications[k][1]
            if org in open_for:
                pool = [i for i in open_for[org] if i in unvisited]
            else:
                if len(candidates) > 2 * len(unvisited):
                    candidates = [i for i in candidates if i in unvisited]
                blocked = blocked_by_org.get(org, ())
                pool = [i for i in candidates if i in unvisited and i not in blocked]
            left = []
            for taker in pool:
                if taker in on_app[k]:
                    left.append(taker)
                    continue
                unvisited.discard(taker)
                came_from[taker] = (k, giver)
                if loads[taker] <= level - 2:
                    path = [taker]
                    while taker in came_from:
                        k_prev, taker = came_from[taker]
                        path += [k_prev, taker]
                    path.reverse()
                    return path
                queue.append(taker)
            open_for[org] = left
            if not unvisited:
                break
    return None
