"""One error hierarchy for ingest. Every skipped file carries one clear, human reason."""


class RemissError(Exception):
    """Base of every error the project raises on purpose."""


class SkipFile(RemissError):
    """A file that cannot be ingested. `reason` is one line, shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StoreUnavailable(RemissError):
    """The Chroma store cannot be reached."""
