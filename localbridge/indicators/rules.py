"""Who may see and do what in indicators, as django-rules predicates."""
