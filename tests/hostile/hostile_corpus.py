"""Hostile inputs, built on the spot: each attack is a small pack (or a file, or options) that
once crashed, hung or leaked. Adding an attack is adding one entry to ``ATTACKS``.

Every attack is linted by ``test_hostile.py`` in a fresh process with a time limit: the run
must end, exit 0 or 1 (never the internal-error status 2), print no traceback, and report the
findings the attack names at their (code, line, column).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HEAD = 'ref: hostile.w\nlabel: W\nversion: "1.0.0"\n'


@dataclass(frozen=True)
class Attack:
    name: str
    files: dict[str, str | bytes]  # path below the pack folder -> content
    expect: tuple[tuple[str, int, int], ...] = ()  # (code, line, column) that must be reported
    argv: tuple[str, ...] = ()  # extra options for 'attune-lint check'; {pack} is the pack folder
    prepare: Callable[[Path], None] | None = field(default=None, compare=False)  # (pack folder) -> None
    cache: bool = False  # run with the result cache (in the run's folder), as the CLI does by default
    exit_codes: tuple[int, ...] = (0, 1)  # 2 only where the attack is a usage error
    message: str = ""  # a text the output (stdout or stderr) must contain
    target: str = ""  # what to lint, below the pack folder ("" : the pack itself)
    fmt: str = "json"  # the output format; ``expect`` is checked on json only
    max_output: int = 0  # bytes the output may take at most (0: no bound checked)
    forbidden: str = ""  # a text the output must never contain
    runs: int = 1  # how many times to run (the second run of a cached attack reads the cache)


def _fifo(relative: str) -> Callable[[Path], None]:
    def make(pack: Path) -> None:
        target = pack / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        os.mkfifo(target)
    return make


def _link(relative: str, to: str) -> Callable[[Path], None]:
    def make(pack: Path) -> None:
        target = pack / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            target.unlink()
        target.symlink_to(to.format(pack=pack))
    return make


def _chain(count: int, loop: bool) -> str:
    """Tasks t0 -> t1 -> ... (and back to t0 without a condition when ``loop``)."""
    tasks = [f"  - name: t{i}\n    action: core.echo\n    next: [{{do: [t{i + 1}]}}]\n" for i in range(count - 1)]
    last = f"  - name: t{count - 1}\n    action: core.echo\n" + ("    next: [{do: [t0]}]\n" if loop else "")
    return HEAD + "tasks:\n" + "".join(tasks) + last


def _sparse(relative: str, size: int) -> Callable[[Path], None]:
    def make(pack: Path) -> None:
        (pack / relative).parent.mkdir(parents=True, exist_ok=True)
        with open(pack / relative, "wb") as handle:
            handle.truncate(size)  # no disk blocks: a hole of ``size`` bytes
    return make


def _task(body: str) -> str:
    return HEAD + "tasks:\n  - name: a\n    action: core.echo\n" + body


ATTACKS: tuple[Attack, ...] = (
    # 1. integers Python will not convert (more than 4,300 digits)
    Attack("huge-integer-value", {"workflows/w.yaml": _task("    timeout: " + "9" * 5000 + "\n")}),
    Attack("huge-integer-in-template",
           {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + "9" * 5000 + ' }}"\n')},
           expect=(("AL401", 8, 14),)),  # the literal, after '      n: "{{ '
    # 2. templates nested deeper than a recursive parser goes
    Attack("deep-parentheses",
           {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + "(" * 300 + "1" + ")" * 300 + ' }}"\n')},
           expect=(("AL401", 8, 78),)),  # the 65th '('
    Attack("deep-not", {"workflows/w.yaml": _task('    when: "{{ ' + "not " * 300 + 'true }}"\n')},
           expect=(("AL401", 7, 271),)),  # the 65th 'not'
    Attack("deep-minus", {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + "- " * 300 + '1 }}"\n')},
           expect=(("AL401", 8, 142),)),  # the 65th '-'
    Attack("long-operator-chain",
           {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + " + ".join(["1"] * 3000) + ' }}"\n')},
           expect=(("AL401", 8, 14),)),  # the whole chain
    Attack("deep-brackets",
           {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + "[" * 300 + "]" * 300 + ' }}"\n')},
           expect=(("AL401", 8, 78),)),  # the 65th '['
    # 3. lists nested deeper than serde_yaml reads
    Attack("deep-yaml-list", {"workflows/w.yaml": _task("    input:\n      n: " + "[" * 500 + "]" * 500 + "\n")},
           expect=(("AL101", 8, 134),)),  # the 125th '[': depth 129
    # 6. named pipes: reading one blocks forever
    Attack("fifo-as-the-file", {}, prepare=_fifo("workflows/pipe.yaml"), target="workflows/pipe.yaml",
           expect=(("AL109", 1, 1),), message="not a regular file (a named pipe)"),
    # in a folder, discovery (like the platform's loader) takes regular files only: no finding
    Attack("fifo-in-a-folder", {"workflows/w.yaml": _task("")}, prepare=_fifo("workflows/pipe.yaml"), cache=True),
    Attack("fifo-pack-yaml-with-cache", {"workflows/w.yaml": _task("")}, prepare=_fifo("pack.yaml"), cache=True),
    Attack("fifo-config", {"workflows/w.yaml": _task("")}, prepare=_fifo("config.yaml"),
           argv=("--config", "{pack}/config.yaml"), exit_codes=(2,), message="not a regular file"),
    Attack("fifo-baseline", {"workflows/w.yaml": _task("")}, prepare=_fifo("baseline.json"),
           argv=("--baseline", "{pack}/baseline.json"), exit_codes=(2,), message="not a regular file"),
    # 7. endless files behind links
    Attack("pack-yaml-to-dev-zero", {"workflows/w.yaml": _task("")}, prepare=_link("pack.yaml", "/dev/zero"),
           cache=True),
    Attack("dev-zero-as-the-file", {}, prepare=_link("../zero.yaml", "/dev/zero"), target="../zero.yaml",
           expect=(("AL109", 1, 1),), message="not a regular file (a device)"),
    Attack("cache-index-to-dev-zero", {"workflows/w.yaml": _task("")},
           prepare=_link("../.attune-lint-cache/content-index.json", "/dev/zero"), cache=True),
    Attack("baseline-to-dev-zero", {"workflows/w.yaml": _task("")}, prepare=_link("baseline.json", "/dev/zero"),
           argv=("--baseline", "{pack}/baseline.json"), exit_codes=(2,), message="not a regular file"),
    # 12. sizes that do not fit a machine integer
    Attack("max-file-size-overflow", {"workflows/w.yaml": _task("")},
           argv=("--max-file-size", "99999999999999999999999999"), exit_codes=(2,), message="--max-file-size must be"),
    Attack("max-file-size-overflow-in-config",
           {"workflows/w.yaml": _task(""), "config.yaml": "max-file-size: " + "9" * 30 + "\n"},
           argv=("--config", "{pack}/config.yaml"), exit_codes=(2,), message="max-file-size must be"),
    # 14. nesting past Python's stack in side files
    Attack("deep-toml-config", {"workflows/w.yaml": _task(""),
                                "pyproject.toml": "[tool.attune-lint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n"},
           argv=("--config", "{pack}/pyproject.toml"), exit_codes=(2,), message="invalid TOML"),
    Attack("deep-baseline-json", {"workflows/w.yaml": _task(""), "baseline.json": "[" * 100000 + "]" * 100000},
           argv=("--baseline", "{pack}/baseline.json"), exit_codes=(2,), message="not a baseline file"),
    # 5. thousands of findings on one long line (a one-line JSON workflow): each snippet is a window
    Attack("one-line-json-many-findings", {"workflows/w.yaml": "{" + ", ".join(
        ['"ref": "hostile.w"', '"label": "W"', '"version": "1.0.0"', '"tasks": [' + ", ".join(
            f'{{"name": "t{i}", "action": "core.echo", "input": {{"m": "{{{{ x | upper }}}}"}}}}'
            for i in range(2000)) + "]"]) + "}\n"},
           fmt="text", max_output=3_000_000, message="Jinja filters are not supported"),
    # 10. terminal escapes in the file are shown escaped, never sent to the terminal
    Attack("escape-sequence-in-comment",
           {"workflows/w.yaml": _task("    bogus: 1  # \x1b]0;owned\x07\x1b[2J\n")},
           fmt="text", forbidden="\x1b", message="\\x1b]0;owned\\x07\\x1b[2J"),
    Attack("escape-sequence-in-value", {"workflows/w.yaml": _task("    bogus: \"\\e[31mred\"\n")},
           fmt="github", forbidden="\x1b"),
    # 8. names the file system refuses
    Attack("workflow-file-name-too-long",
           {"actions/a.yaml": "ref: hostile.a\nlabel: A\nworkflow_file: workflows/" + "x" * 5000 + ".yaml\n"},
           expect=(("AL504", 3, 16),), message="File name too long"),
    Attack("workflow-file-is-a-folder",
           {"actions/a.yaml": "ref: hostile.a\nlabel: A\nworkflow_file: workflows/dir.yaml\n",
            "actions/workflows/dir.yaml/keep.txt": ""},
           expect=(("AL504", 3, 16),), message="is a folder, not a file"),
    # 9. links out of the pack are reported, never read (the snippet would print the target)
    Attack("workflow-linked-to-proc-environ", {}, prepare=_link("workflows/env.yaml", "/proc/self/environ"),
           expect=(("AL109", 1, 1),), message="symbolic link leads outside the pack", forbidden="PATH="),
    Attack("workflows-folder-linked-outside", {"../outside/w.yaml": _task("    bogus: 1\n")},
           prepare=_link("workflows", "{pack}/../outside"), expect=(("AL109", 1, 1),),
           message="symbolic link leads outside the pack"),
    Attack("workflows-folder-linked-inside", {"inside/w.yaml": _task("    bogus: 1\n")},
           prepare=_link("workflows", "{pack}/inside"), expect=(("AL201", 7, 5),)),
    Attack("pack-yaml-linked-to-etc-passwd", {"workflows/w.yaml": _task("")},
           prepare=_link("pack.yaml", "/etc/passwd"), message="symbolic link leads outside the pack",
           forbidden="root:"),
    # 4. graph checks linear in tasks + edges (a chain was cubic: 4,000 tasks took 46 s)
    Attack("chain-of-15000-tasks", {"workflows/w.yaml": _chain(15000, loop=False)}),
    Attack("loop-of-15000-tasks", {"workflows/w.yaml": _chain(15000, loop=True)},
           expect=(("AL303", 5, 11), ("AL312", 5, 11)), message="every task is the target of a transition"),
    # 18. one long string aliased 50,000 times: few nodes, gigabytes once expanded
    Attack("long-string-aliased-50000-times", {"workflows/w.yaml": HEAD + "vars:\n  s: &s " + "x" * 500_000
                                               + "\n  l: [" + ", ".join(["*s"] * 50_000) + "]\ntasks: []\n"},
           expect=(("AL111", 1, 1),), message="aliases expand this document"),
    # 20. smaller ones
    Attack("utf-32-file", {"workflows/w.yaml": _task("").encode("utf-32")},
           expect=(("AL109", 1, 1),), message="file is UTF-32 encoded"),
    Attack("cr-only-line-ends", {"workflows/w.yaml": _task("    bogus: 1\n").replace("\n", "\r")},
           fmt="text", forbidden="\r"),
    Attack("huge-integer-in-toml-config",
           {"workflows/w.yaml": _task(""), "pyproject.toml": "[tool.attune-lint]\nmax-file-size = " + "9" * 5000 + "\n"},
           argv=("--config", "{pack}/pyproject.toml"), exit_codes=(2,), message="invalid TOML"),
    # 7. the cache reads no more than --max-file-size either (a sparse 1 GiB file was hashed whole)
    Attack("sparse-gigabyte-workflow-with-cache", {}, prepare=_sparse("workflows/big.yaml", 1 << 30), cache=True,
           expect=(("AL108", 1, 1),)),
    # 3 again: libyaml's C composer recursed on the C stack (a segmentation fault past about
    # 30,000 levels) and its scanner is quadratic in flow depth (50 s for 500 KB)
    Attack("flow-nested-50000-deep", {"workflows/w.yaml": HEAD + "x: " + "[" * 50_000 + "]" * 50_000 + "\n"},
           expect=(("AL101", 4, 132),)),
    Attack("flow-mappings-nested-100000-deep", {"workflows/w.yaml": HEAD + "x: " + "{b: " * 100_000 + "1" + "}" * 100_000 + "\n"},
           expect=(("AL101", 4, 516),)),
    Attack("block-sequences-nested-100000-deep", {"workflows/w.yaml": HEAD + "x:\n  " + "- " * 100_000 + "x\n"},
           expect=(("AL101", 5, 257),)),  # the 128th dash: depth 129 under the root mapping
    # 9 again, through the cache: the text behind a refused link must not reach a snippet
    Attack("secret-behind-a-link-with-cache", {"../outside/secret.yaml": "SECRET_TOKEN=abc123: [\n"},
           prepare=_link("workflows/leak.yaml", "{pack}/../outside/secret.yaml"), cache=True, runs=2,
           fmt="text", message="symbolic link leads outside the pack", forbidden="SECRET_TOKEN"),
    # found by review: a recursive alias (lint passed, the registrar looped forever)
    Attack("recursive-alias", {"workflows/w.yaml": HEAD + "vars:\n  cfg: &v\n    self: *v\ntasks: []\n"},
           expect=(("AL111", 5, 8),), message="makes the document contain itself"),
    # "Trojan Source": bidirectional overrides in a file are escaped, not printed
    Attack("bidi-override-in-a-value", {"workflows/w.yaml": _task("    bogus: \"safe\u202e\u2066evil\"\n")},
           fmt="text", forbidden="\u202e", message="\\u202e"),
)
