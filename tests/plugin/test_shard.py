"""``pytest --attune-packs --attune-shard K/N``: the shards' items together are the full run's."""
from __future__ import annotations

import re

import pytest

pytest_plugins = ["pytester"]

PACK = "ref: {name}\nlabel: {name}\nversion: '1.0.0'\n"
FLOW = ("ref: {name}.flow\nlabel: Flow\nversion: '1.0.0'\ntasks:\n"
        "  - name: a\n    action: {call}\n")


def _write(pytester: pytest.Pytester, count: int) -> None:
    for i in range(count):
        name = f"pack{i}"
        call = f"pack{(i + 1) % count}.missing" if i % 2 else "core.echo"  # cross-pack findings too
        pytester.makefile(".yaml", **{f"packs/{name}/pack": PACK.format(name=name),
                                      f"packs/{name}/workflows/flow": FLOW.format(name=name, call=call)})


def _outcomes(result: pytest.RunResult) -> dict[str, str]:
    found = {}
    for line in result.outlines:
        match = re.match(r"^(PASSED|FAILED) (\S+)", line)
        if match:
            found[match.group(2)] = match.group(1)
    return found


def test_the_shards_together_are_the_full_run(pytester: pytest.Pytester) -> None:
    _write(pytester, 8)
    full = _outcomes(pytester.runpytest_subprocess("--attune-packs", "-p", "no:cacheprovider", "-rA", "packs"))
    assert full and "FAILED" in full.values()
    parts = [_outcomes(pytester.runpytest_subprocess("--attune-packs", "--attune-shard", f"{k}/3",
                                                      "-p", "no:cacheprovider", "-rA", "packs"))
             for k in (1, 2, 3)]
    assert sum(len(p) for p in parts) == len(full)
    assert {node: outcome for part in parts for node, outcome in part.items()} == full


def test_a_malformed_shard_is_a_usage_error(pytester: pytest.Pytester) -> None:
    _write(pytester, 1)
    result = pytester.runpytest_subprocess("--attune-packs", "--attune-shard", "3/2", "packs")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--attune-shard*"])
