"""Timings of the loading phase alone: YAML text → positioned tree → plain data.

Not a timed test: prints a table. Over every ``.yaml``/``.yml`` file of a corpus, read into
memory first, with the garbage collector off (as a run pauses it, ``run/gc_pause.py``):

- **compose only**: libyaml's composer through PyYAML (``CSafeLoader``), no tree of ours:
  the floor any loader built on PyYAML's C extension stands on;
- **loader**: ``document.reader.load_yaml_bytes`` (decoding, composing, positions, the
  loading findings);
- **plain data**: ``YamlDocument.data`` of every loaded file (``to_python`` of the root,
  or nothing left to do where the loader built it already).

Each figure is the fastest of ``--reps`` runs of a fresh process (CPU time, which other
processes on the machine disturb less than wall time). With ``--root`` naming another
checkout (say the main branch's), both are measured, their runs interleaved, side by side.

    python bench/load.py                        # generates 40 packs (bench/generate.py)
    python bench/load.py /tmp/c40 --root /work/main --reps 5
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# One run, in a process whose PYTHONPATH is the checkout measured: prints its timings.
PROBE = r"""
import gc, json, sys, time
from pathlib import Path

import yaml
from attune_lint.document.reader import load_yaml_bytes

corpus = Path(sys.argv[1])
datas = [p.read_bytes() for p in sorted(corpus.rglob("*")) if p.suffix in (".yaml", ".yml") and p.is_file()]

def composes(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # libyaml's composer recurses on the C stack: leave out what could nest deep enough to crash.
    if text.count("[") + text.count("{") + text.count("- ") + text.count("? ") > 5000:
        return None
    return text

texts = [t for t in map(composes, datas) if t is not None]
gc.disable()
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
start = time.process_time()
for text in texts:
    try:
        parser = loader(text)
        try:
            while parser.check_node():
                parser.get_node()
        finally:
            parser.dispose()
    except yaml.YAMLError:
        pass
compose = time.process_time() - start
start = time.process_time()
documents = [load_yaml_bytes(data, "f.yaml") for data in datas]
load = time.process_time() - start
start = time.process_time()
for document in documents:
    document.data
data = time.process_time() - start
print(json.dumps({"files": len(datas), "composed": len(texts), "compose": compose, "load": load, "data": data}))
"""


def run_once(root: Path, corpus: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(corpus)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(root)}, cwd=str(root), check=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=None,
                        help="folder of YAML files (default: 40 generated packs)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--root", type=Path, default=None,
                        help="another attune-lint checkout to measure beside this one")
    parser.add_argument("--packs", type=int, default=40, help="packs to generate when no corpus is given")
    args = parser.parse_args(argv)
    corpus = args.corpus
    if corpus is None:
        corpus = Path(tempfile.mkdtemp(prefix="attune-load-")) / f"packs{args.packs}"
        sys.path.insert(0, str(HERE))
        from generate import generate  # type: ignore[import-not-found]

        generate(corpus, packs=args.packs)
    roots = {"this": ROOT} if args.root is None else {"this": ROOT, str(args.root): args.root.resolve()}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in roots}
    for rep in range(args.reps):
        for name, root in (roots.items() if rep % 2 == 0 else reversed(roots.items())):  # interleaved
            runs[name].append(run_once(root, corpus))
    files = runs["this"][0]["files"]
    print(f"{files} files under {corpus} (compose only: the {runs['this'][0]['composed']:.0f} libyaml composes "
          f"safely); fastest of {args.reps} runs, CPU seconds, files/s in brackets\n")
    print("| phase | " + " | ".join(roots) + " |")
    print("| --- |" + " --- |" * len(roots))
    for label, keys in (("compose only (libyaml)", ("compose",)), ("loader", ("load",)),
                        ("plain data", ("data",)), ("loader + plain data", ("load", "data"))):
        cells = []
        for name in roots:
            best = min(sum(run[key] for key in keys) for run in runs[name])
            count = runs[name][0]["composed" if keys == ("compose",) else "files"]
            cells.append(f"{best:.2f} s ({count / best:,.0f}/s)" if best > 0.005 else f"{best:.2f} s")
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
