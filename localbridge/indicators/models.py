"""Indicator definitions and yearly values (computed by the platform, entered by a municipality, imported),
ratings of municipalities, and the open-data catalogue. See docs/indicators.md."""
