"""Print a vote's outcome under greedy or the Method of Equal Shares, computed now from its ballots.

    ./dev manage pb_results VOTE_ID [--rule greedy|mes] [--json]

JSON: {"budget", "rule", "projects": [{"project_id" (the .pb id), "cost", "votes", "funded"}]} in the file's
project order. Nothing is written."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.participation.models import OutcomeRule, Vote
from localbridge.participation.services.votes import vote_outcome


def _number(value: Any) -> int | float | str:
    """A money amount for JSON: a whole number as an int, else a decimal string."""
    text = str(value)
    try:
        as_float = float(text)
    except ValueError:
        return text
    return int(as_float) if as_float.is_integer() else text


class Command(BaseCommand):
    help = "Print a vote's outcome (greedy or MES) per project."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("vote_id", type=int)
        parser.add_argument("--rule", choices=[r.value for r in OutcomeRule], default=None)
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        vote = Vote.objects.filter(pk=options["vote_id"]).first()
        if vote is None:
            raise CommandError(f"no vote {options['vote_id']}")
        rule = options["rule"] or vote.rule
        election, outcomes = vote_outcome(vote, rule=rule)
        by_id = {o.project_id: o for o in outcomes}
        projects = [
            {
                "project_id": p.id,
                "cost": _number(p.cost),
                "votes": by_id[p.id].votes,
                "funded": by_id[p.id].funded,
            }
            for p in election.projects
        ]
        if options["json"]:
            data = {"budget": _number(election.budget), "rule": rule, "projects": projects}
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"budget {election.budget}, rule {rule}, {len(election.ballots)} ballots")
        for row in projects:
            mark = "funded" if row["funded"] else "-"
            self.stdout.write(f"{row['project_id']:>12}  {row['cost']!s:>14}  {row['votes']:>8}  {mark}")
