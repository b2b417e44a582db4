"""The compiled validity checks shipped in ``attune_lint/schemas/compiled/`` are those of the
shipped schemas, are never used once stale, and ``schemas.validator`` gives jsonschema's
errors exactly."""
from __future__ import annotations

import ast
import importlib

import pytest

from attune_lint.schemas import SCHEMA_FILES, precise_validator, validator
from attune_lint.schemas import fast
from attune_lint.schemas.generate import OUT, generated_source
from attune_lint.workspace.workspace import load_paths
from attune_testkit import CORPUS, EXAMPLES

fastjsonschema = pytest.importorskip("fastjsonschema")


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_the_shipped_code_is_generated_from_the_shipped_schemas(kind: str) -> None:
    shipped = (OUT / f"{kind}.py").read_text(encoding="utf-8")
    module = importlib.import_module(f"attune_lint.schemas.compiled.{kind}")
    assert module.GENERATED_FROM == fast.generation_digest(), (
        "a schema or schemas/fast.py changed: run 'python -m attune_lint.schemas.generate'")
    fresh = generated_source(kind)
    if f"fastjsonschema {fastjsonschema.VERSION})" in shipped:
        assert ast.dump(ast.parse(fresh)) == ast.dump(ast.parse(shipped))
    assert fast.shipped_validity(kind) is not None


def _instances() -> list[tuple[str, object]]:
    from attune_lint.check.context import CheckContext
    from attune_lint.rules.structure import schema_kind
    from attune_lint.settings.record import Settings

    workspace = load_paths([EXAMPLES, CORPUS])
    found = []
    for target in workspace.targets:
        if target.document.mapping is not None:
            kind = schema_kind(CheckContext(target, workspace, Settings()))
            if kind is not None:
                found.append((kind, target.document.data))
    return found


def test_the_shipped_code_answers_as_code_compiled_now() -> None:
    instances = _instances()
    compiled = {kind: fastjsonschema.compile(fast.variant(kind), handlers=fast.ref_handlers(), use_formats=False)
                for kind in SCHEMA_FILES}

    def now(kind: str, data: object) -> bool:
        try:
            compiled[kind](data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    answers = [(fast.shipped_validity(kind)(data), now(kind, data)) for kind, data in instances]
    assert all(shipped == fresh for shipped, fresh in answers)
    assert {fresh for _, fresh in answers} == {True, False}


def _errors(errors: object) -> list[tuple[str, str, str]]:
    return [(e.message, e.json_path, e.validator) for e in errors]  # type: ignore[attr-defined]


def test_validator_gives_jsonschemas_errors_exactly() -> None:
    instances = _instances()
    bad = {"version": 1.1, "tasks": [{"name": "a", "action": "x.y", "retry": {"count": 0}}], "output_schema": {}}
    for kind, data in [*instances, ("graph", bad), ("standalone", bad), ("action", {"ref": 5})]:
        assert _errors(validator(kind).iter_errors(data)) == _errors(precise_validator(kind).iter_errors(data))
    assert validator("graph").schema == precise_validator("graph").schema  # the rest is jsonschema's


def test_stale_generated_code_is_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    fast.shipped_validity.cache_clear()
    monkeypatch.setattr(fast, "generation_digest", lambda: "another schema")
    try:
        assert fast.shipped_validity("graph") is None
        assert fast.fast_validity.__wrapped__("graph") is not None  # compiled at run time instead
        invalid = {"version": "1", "tasks": []}
        assert _errors(validator("graph").iter_errors(invalid)) == _errors(precise_validator("graph").iter_errors(invalid))
    finally:
        monkeypatch.undo()
        fast.shipped_validity.cache_clear()


def test_generation_digest_follows_the_schemas_and_fast_py(monkeypatch: pytest.MonkeyPatch) -> None:
    from attune_lint.schemas import shipped

    before = fast.generation_digest()
    fast.generation_digest.cache_clear()
    shipped.schemas_digest.cache_clear()
    real = shipped.schema_bytes
    monkeypatch.setattr(shipped, "schema_bytes", lambda kind: real(kind) + (b" " if kind == "pack" else b""))
    try:
        assert fast.generation_digest() != before
    finally:
        monkeypatch.undo()
        fast.generation_digest.cache_clear()
        shipped.schemas_digest.cache_clear()
    assert fast.generation_digest() == before


def test_the_cli_parses_one_command_as_the_full_parser_does(capsys: pytest.CaptureFixture[str]) -> None:
    from attune_lint import cli

    for command in cli.COMMANDS:
        one = cli.build_parser(command)
        full = cli.build_parser()
        for parser in (one, full):
            with pytest.raises(SystemExit):
                parser.parse_args([command, "--help"])
        first, second = capsys.readouterr().out.split("usage: ", 2)[1:]
        assert first == second, command
