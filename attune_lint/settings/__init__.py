"""Settings: the record a run is configured by, and reading it from configuration files."""
from attune_lint.settings.record import Settings

__all__ = ["Settings"]
