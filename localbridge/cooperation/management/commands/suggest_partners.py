"""`manage.py suggest_partners NAME --country CC [--limit 10] [--json]`: the partner finder's suggestions for a
municipality given by id or exact name (Russian or English) and country (ISO alpha-2 or the twin-city file's
English country name)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.cooperation import selectors


class Command(BaseCommand):
    help = "Suggest potential partners for a municipality, with a score and the reasons for each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality", help="The municipality's id, or its exact name (with --country).")
        parser.add_argument("--country", default="", help="ISO 3166-1 alpha-2 code or English country name.")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        target: str = options["municipality"]
        if target.isdigit() and not options["country"]:
            municipality_id = int(target)
        else:
            if not options["country"]:
                raise CommandError("Give --country with a name.")
            found = selectors.municipality_find(name=target, country=options["country"])
            if not found:
                raise CommandError(f"No municipality called “{target}” in {options['country']}.")
            if len(found) > 1:
                listed = ", ".join(f"{m.pk} ({m.latitude}, {m.longitude})" for m in found)
                raise CommandError(f"Several municipalities are called “{target}”: {listed}; pass the id.")
            municipality_id = found[0].pk
        suggestions = selectors.partner_suggestions(municipality_id=municipality_id, limit=options["limit"])
        if options["json"]:
            payload = [
                {
                    "id": s.id,
                    "name": s.name,
                    "country": s.country,
                    "lat": s.latitude,
                    "lon": s.longitude,
                    "score": s.score,
                    "reasons": [r.text for r in s.reasons],
                }
                for s in suggestions
            ]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for rank, s in enumerate(suggestions, start=1):
            self.stdout.write(f"{rank:2}. {s.name} ({s.country}) {s.score:.3f}: {'; '.join(r.text for r in s.reasons)}")
