def connect() -> None:
    """Subscribe the organisation e-mail notifications to domain events."""
