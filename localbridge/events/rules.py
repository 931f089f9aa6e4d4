"""Who may see and do what in events, the knowledge library and resolutions, as django-rules predicates."""
