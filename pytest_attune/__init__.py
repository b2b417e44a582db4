"""pytest-attune: Attune packs as pytest items (``pytest --attune-packs``); see docs/pytest.md."""
