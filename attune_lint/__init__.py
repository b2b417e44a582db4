"""attune-lint: validation toolkit for Attune packs."""
__version__ = "0.1.0"
