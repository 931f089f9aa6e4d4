"""Events in the JSON API (/api/v1/events/): events, my registrations, iCalendar feeds, library documents and
resolutions with their items."""

from ninja import Router

router = Router(tags=["events"])
