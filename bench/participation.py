"""Resident participation at city scale: 10,000 (or 100,000, `participation-100k`) generated initiative proposals
in one real municipality (the most populous of the reference data), points scattered around its centre, statuses
mixed; one proposal with 5,000 supports and 200 comments; an open participatory-budget vote of 30 projects. Read
anonymously (the list in each sort, a deep page, the proposal, the map data, the vote) and as a confirmed resident
(the proposal, the vote and its ballot)."""

import random
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from bench.base import Built, Scenario

NAME = "participation"
TITLE = "Resident participation: proposals, map data, a vote"
DEFAULT_SCALE = 10_000
SCALE_UNIT = "proposals"
NOTES = """\
- Data: the proposals are written with `bulk_create` in the most populous municipality of `load_reference`, with
  points (nine in ten) scattered around its centre (standard deviation about 8 km), statuses mixed (half
  collecting supports, the rest with the administration, answered, withdrawn; 5 % drafts, never listed), plausible
  `supports_count`/`comments_count` on each. The measured proposal has its 5,000 Support and 200 Comment rows for
  real (10 of the comments hidden by a moderator; the counter counts the 190 visible), the others only their
  counters. The vote is open, approval of up to 5 of 30 projects, with 2,000 generated ballots; the resident has a
  confirmed residence, a year of birth, a ballot and a support.
- The list is 3 queries in every sort and on every page, at 10,000 and at 100,000 proposals: the municipality
  filter's choices, the pager's `COUNT`, the 25 rows with municipality and author. "Page 50" is the
  1,226th–1,250th proposal. The proposal page shows the 190 visible comments and the counters (never the 5,000
  support rows; "supported by me" is one lookup of the unique (proposal, user) key).
- Newest and most supported: before, every sort read and sorted all the municipality's proposals joined with their
  authors (SQLite: 290 ms at 100,000; 15 ms of the query at 10,000). Two indexes that lead with the municipality,
  `(municipality, published_at, id)` and `(municipality, supports_count, id)` (migration 0002), are now walked in
  order, drafts skipped on the way: the page query takes under 1 ms on the first page, 5–13 ms on page 50; newest
  orders by plain `-published_at` (published proposals always have it). The filter's municipalities are found
  with one `EXISTS` probe per municipality instead of a scan of every proposal. What remains grows with the data
  is the pager's `COUNT` over the municipality's index (6–15 ms at 100,000).
- "Closest to the threshold" (collecting first, then the supports still missing) and "answer deadline" (the
  earliest first, none last) sorted every proposal of the municipality: 120–130 ms p95 on SQLite, 220–265 ms on
  PostgreSQL at 100,000. They now read generated columns (`Proposal.closeness`, `Proposal.deadline_key`, migration
  0003) through indexes led by the municipality: 20–33 ms p95 at 100,000 (measured again with `--reuse` after the
  migration). The 10,000 run predates that change (its figures for those two sorts are the old way, 31–45 ms).
- The proposal page costs the same at 10,000 and 100,000 (3 queries anonymous, 10 signed in: session, user,
  permission checks, "supported by me", the eligibility lookups, the comments' count and page). Its time was
  rendering the 190 comments: 57–77 ms p95 signed in. Comments now come fifty a page: 15–25 ms p95 at 100,000
  (measured again with `--reuse`; the 10,000 run predates the paging).
- The map data is compact `[[id, lat, lon, status], …]`, newest first, capped at 2,000 points (`MAP_CAP`; a map
  zoomed in asks by bounding box), and cached for a minute per municipality and box: the rows marked "cached" are
  what a visitor gets within that minute; the others clear the cache before each request (1 query, well under
  1 s). A bounding box at 100,000 reads the municipality's points and tests their coordinates (35–55 ms).
- The machine is shared (2 cores): the load averages recorded with each run show how busy it was."""

STATUS_WEIGHTS = (
    ("collecting", 50),
    ("under_review", 15),
    ("accepted", 10),
    ("rejected", 8),
    ("selection", 5),
    ("withdrawn", 7),
    ("draft", 5),
)
HOT_SUPPORTS = 5_000
HOT_COMMENTS = 200
HOT_HIDDEN = 10
VOTE_PROJECTS = 30
VOTE_BALLOTS = 2_000
VOTE_TITLE = "Голосование бенчмарка (сгенерировано)"
RESIDENT_EMAIL = "bench-resident@example.org"


def _municipality() -> Any:
    from django.db.models import F

    from localbridge.territories.models import Municipality

    return Municipality.objects.order_by(F("population").desc(nulls_last=True), "pk").first()


def build(*, scale: int, seed: int) -> Built:
    from django.utils import timezone

    from localbridge.accounts.models import User
    from localbridge.participation.models import (
        Ballot,
        BallotChoice,
        Comment,
        Proposal,
        ProposalStatus,
        Residency,
        ResidencyMethod,
        ResidencyStatus,
        Support,
        Vote,
        VoteProject,
        VoteStatus,
    )

    rng = random.Random(seed)
    now = timezone.now()
    municipality = _municipality()
    lat0 = municipality.latitude if municipality.latitude is not None else 55.75
    lon0 = municipality.longitude if municipality.longitude is not None else 37.62

    started = time.perf_counter()
    users_wanted = max(HOT_SUPPORTS, VOTE_BALLOTS)
    User.objects.bulk_create(
        [
            User(email=f"bench-user{n}@example.org", full_name=f"Житель {n} (сгенерировано)", password="!")
            for n in range(users_wanted)
        ],
        batch_size=2000,
    )
    user_ids = list(User.objects.filter(email__startswith="bench-user").order_by("pk").values_list("pk", flat=True))
    resident = User.objects.create(
        email=RESIDENT_EMAIL, full_name="Житель бенчмарка (сгенерировано)", password="!", birth_year=1980
    )
    Residency.objects.create(
        user=resident,
        municipality=municipality,
        status=ResidencyStatus.CONFIRMED,
        method=ResidencyMethod.STAFF,
        decided_at=now,
    )
    users_s = time.perf_counter() - started

    started = time.perf_counter()
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    batch: list[Any] = []
    for index in range(scale):
        # The first proposal is the measured one: collecting, half-way to a high threshold.
        status = "collecting" if index == 0 else rng.choices(statuses, weights)[0]
        threshold = 10_000 if index == 0 else rng.choice((10, 50, 100, 300))
        published = None if status == "draft" else now - timedelta(days=rng.uniform(0, 720))
        if index == 0:
            supports = HOT_SUPPORTS
        elif status == "draft":
            supports = 0
        elif status == "collecting":
            supports = rng.randrange(0, threshold)
        else:
            supports = threshold + rng.randrange(0, threshold)
        submitted = answer_due = decided = None
        if published is not None and status not in ("collecting", "withdrawn"):
            submitted = published + timedelta(days=rng.uniform(1, 60))
            answer_due = (submitted + timedelta(days=30)).date()
            if status != "under_review":
                decided = submitted + timedelta(days=rng.uniform(1, 30))
        point = rng.random() < 0.9
        cost = Decimal(rng.randrange(50_000, 3_000_000, 1000))
        created = (published or now) - timedelta(days=1)
        batch.append(
            Proposal(
                municipality=municipality,
                title=f"Предложение № {index + 1} (сгенерировано)",
                summary="Благоустройство двора: скамейки, освещение, детская площадка.",
                description="Сгенерированное предложение для бенчмарка.\n\n- проблема\n- решение\n- результат",
                address=f"ул. Сгенерированная, д. {index % 300 + 1}",
                latitude=Decimal(f"{lat0 + rng.gauss(0, 0.07):.6f}") if point else None,
                longitude=Decimal(f"{lon0 + rng.gauss(0, 0.12):.6f}") if point else None,
                estimated_cost=cost,
                residents_contribution=(cost * Decimal("0.05")).quantize(Decimal("0.01")),
                author_id=user_ids[index % len(user_ids)],
                status=status,
                support_threshold=threshold,
                supports_count=supports,
                comments_count=HOT_COMMENTS - HOT_HIDDEN if index == 0 else rng.randrange(0, 15),
                published_at=published,
                submitted_at=submitted,
                answer_due=answer_due,
                decided_at=decided,
                decision_comment="Сгенерированный ответ." if decided else "",
                created_at=created,
            )
        )
        if len(batch) >= 5000:
            Proposal.objects.bulk_create(batch)
            batch = []
    Proposal.objects.bulk_create(batch)
    hot = Proposal.objects.filter(municipality=municipality, title="Предложение № 1 (сгенерировано)").get()
    proposals_s = time.perf_counter() - started

    started = time.perf_counter()
    supporters = [resident.pk, *user_ids[: HOT_SUPPORTS - 1]]
    Support.objects.bulk_create([Support(proposal=hot, user_id=u) for u in supporters], batch_size=2000)
    Comment.objects.bulk_create(
        [
            Comment(
                proposal=hot,
                author_id=user_ids[(n * 7) % len(user_ids)],
                text=f"Сгенерированный комментарий № {n + 1}: поддерживаю, но предлагаю уточнить смету.",
                is_hidden=n % (HOT_COMMENTS // HOT_HIDDEN) == 0,
            )
            for n in range(HOT_COMMENTS)
        ]
    )
    vote = Vote.objects.create(
        municipality=municipality,
        title=VOTE_TITLE,
        description="Сгенерированное голосование: выберите до пяти проектов.",
        budget=Decimal("30000000.00"),
        ballot_type="approval",
        max_choices=5,
        status=VoteStatus.OPEN,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=30),
        min_age=16,
    )
    VoteProject.objects.bulk_create(
        [
            VoteProject(
                vote=vote,
                code=f"P{n + 1:02d}",
                title=f"Проект № {n + 1} (сгенерировано)",
                description="Сгенерированный проект голосования.",
                cost=Decimal(rng.randrange(500_000, 5_000_000, 10_000)),
                position=n,
            )
            for n in range(VOTE_PROJECTS)
        ]
    )
    project_ids = list(VoteProject.objects.filter(vote=vote).order_by("position").values_list("pk", flat=True))
    voters = [resident.pk, *user_ids[: VOTE_BALLOTS - 1]]
    Ballot.objects.bulk_create(
        [Ballot(vote=vote, voter_id=u, voter_key=f"u{u}", receipt=f"BENCH{n:08d}") for n, u in enumerate(voters)],
        batch_size=2000,
    )
    choices = [
        BallotChoice(ballot_id=ballot_id, project_id=project, position=position)
        for ballot_id in Ballot.objects.filter(vote=vote).values_list("pk", flat=True)
        for position, project in enumerate(rng.sample(project_ids, rng.randint(1, 5)))
    ]
    BallotChoice.objects.bulk_create(choices, batch_size=5000)
    Vote.objects.filter(pk=vote.pk).update(ballots_count=len(voters))
    rest_s = time.perf_counter() - started

    visible = Proposal.objects.filter(municipality=municipality).exclude(status=ProposalStatus.DRAFT)
    return Built(
        facts={
            "municipality": f"{municipality.name_ru} (population {municipality.population or 'unknown'})",
            "proposals": Proposal.objects.filter(municipality=municipality).count(),
            "published": visible.count(),
            "with_a_point": visible.filter(latitude__isnull=False).count(),
            "supports_of_the_measured_proposal": Support.objects.filter(proposal=hot).count(),
            "comments_of_the_measured_proposal": Comment.objects.filter(proposal=hot).count(),
            "vote_projects": len(project_ids),
            "ballots": len(voters),
            "ballot_choices": len(choices),
            "users_written_s": round(users_s, 1),
            "proposals_written_s": round(proposals_s, 1),
            "supports_comments_vote_written_s": round(rest_s, 1),
        },
        context=_context(municipality.pk, hot.pk, vote.pk, resident.pk),
    )


def _context(municipality: int, proposal: int, vote: int, resident: int) -> dict[str, Any]:
    return {"municipality": municipality, "proposal": proposal, "vote": vote, "resident": resident}


def reuse(*, scale: int, seed: int, facts: dict[str, Any]) -> Built:
    """The data a previous build made (`--reuse`): its municipality, measured proposal, vote and resident."""
    from localbridge.accounts.models import User
    from localbridge.participation.models import Proposal, Vote

    hot = Proposal.objects.filter(title="Предложение № 1 (сгенерировано)").first()
    vote = Vote.objects.filter(title=VOTE_TITLE).first()
    resident = User.objects.filter(email=RESIDENT_EMAIL).first()
    if hot is None or vote is None or resident is None:
        raise SystemExit("--reuse: the database does not hold this benchmark's data")
    if Proposal.objects.filter(municipality_id=hot.municipality_id).count() != scale:
        raise SystemExit(f"--reuse: the database does not hold {scale} generated proposals")
    return Built(facts=dict(facts), context=_context(hot.municipality_id, hot.pk, vote.pk, resident.pk))


def _list(municipality: int, **params: Any) -> str:
    return "/participation/proposals/?" + urlencode({"municipality": municipality, **params})


def _uncached(path: str) -> Any:
    """A map request after clearing the cache: what the query costs (the first visitor of the minute)."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()

    def call(i: int) -> None:
        cache.clear()
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    return call


def scenarios(built: Built) -> list[Scenario]:
    from localbridge.accounts.models import User
    from localbridge.participation.forms_proposals import SORT_CHOICES
    from localbridge.territories.models import Municipality

    m = built.context["municipality"]
    proposal = built.context["proposal"]
    vote = built.context["vote"]
    resident = User.objects.get(pk=built.context["resident"])
    centre = Municipality.objects.get(pk=m)
    lat0 = centre.latitude if centre.latitude is not None else 55.75
    lon0 = centre.longitude if centre.longitude is not None else 37.62
    bbox = f"{lat0 - 0.02:.4f},{lon0 - 0.03:.4f},{lat0 + 0.02:.4f},{lon0 + 0.03:.4f}"
    map_all = "/participation/proposals/map.json?" + urlencode({"municipality": m})
    map_box = "/participation/proposals/map.json?" + urlencode({"municipality": m, "bbox": bbox})

    result = [Scenario("list", "Proposals of the municipality (default: newest)", lambda i: _list(m))]
    for sort, _label in SORT_CHOICES:
        result.append(Scenario(f"list_{sort}", f"Proposals, sort={sort}", lambda i, s=sort: _list(m, sort=s)))
    result += [
        Scenario("list_page50", "Proposals, page 50 (newest)", lambda i: _list(m, page=50)),
        Scenario(
            "proposal",
            f"A proposal ({HOT_SUPPORTS} supports, {HOT_COMMENTS} comments)",
            lambda i: f"/participation/proposals/{proposal}/",
        ),
        Scenario(
            "proposal_resident",
            "The same proposal, as a resident who supports it",
            lambda i: f"/participation/proposals/{proposal}/",
            user=resident,
        ),
        Scenario(
            "map",
            "Map data of the municipality (query: cache cleared)",
            lambda i: map_all,
            call=_uncached(map_all),
        ),
        Scenario("map_cached", "Map data of the municipality (cached)", lambda i: map_all),
        Scenario(
            "map_bbox",
            "Map data in a bounding box (query: cache cleared)",
            lambda i: map_box,
            call=_uncached(map_box),
        ),
        Scenario("vote", f"A vote ({VOTE_PROJECTS} projects)", lambda i: f"/participation/votes/{vote}/"),
        Scenario(
            "vote_resident",
            "The vote, as a resident who voted",
            lambda i: f"/participation/votes/{vote}/",
            user=resident,
        ),
        Scenario(
            "ballot",
            "The ballot, as a resident who voted",
            lambda i: f"/participation/votes/{vote}/ballot/",
            user=resident,
        ),
    ]
    return result
