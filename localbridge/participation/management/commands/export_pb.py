"""Write a vote in the .pb format of pabulib.org.

    ./dev manage export_pb VOTE_ID OUT.pb

An imported election is written back as it was read (META, projects, ballots, extra columns); `selected` comes
from the vote's computed results when there are any, else from the imported file."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.participation.models import Vote
from localbridge.participation.pb.format import dump
from localbridge.participation.services.votes import vote_election


class Command(BaseCommand):
    help = "Write a participatory-budget vote to a .pb file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("vote_id", type=int)
        parser.add_argument("out", help="the .pb file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        vote = Vote.objects.filter(pk=options["vote_id"]).first()
        if vote is None:
            raise CommandError(f"no vote {options['vote_id']}")
        election = vote_election(vote, with_results=True)
        dump(election, options["out"])
        self.stdout.write(f"{options['out']}: {len(election.projects)} projects, {len(election.ballots)} ballots")
