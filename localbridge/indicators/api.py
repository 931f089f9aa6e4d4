"""Indicators in the JSON API (/api/v1/indicators/): definitions and values."""

from ninja import Router

router = Router(tags=["indicators"])
