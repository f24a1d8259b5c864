"""Mutants of the pure core's module-level constants, which mutmut 3 never makes (it mutates inside functions only).

The thresholds themselves live at module level: hours and levels (SEVERE_PAIN, BRUISING_SETTLED_BY_HOURS...),
the depth groups' windows and limits, the phases, the check-in windows, the cohort's buckets, and the severity
of each warning sign. One at a time, in a copy of the tree, each number there is raised by one and each
severity or status name is swapped for another; the unit tests must then fail. Prints each survivor and the
count, and exits 1 if any survives. `make mutation` runs it after mutmut.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("app/core/recovery.py", "app/core/aftercare.py", "app/core/triage.py", "app/core/cohort.py")
COPIED = ("app", "tests", "static", "templates", "pyproject.toml")
# The tests of the rules (a stricter bar than all of tests/unit, and quicker to start).
RULE_TESTS = tuple(
    f"tests/unit/test_{name}.py"
    for name in (
        "recovery_findings",
        "recovery",
        "recovery_status_only",
        "aftercare",
        "triage",
        "cohort_buckets",
        "cohort",
    )
)
# Each severity or status name, and the one it is swapped for.
SWAPS = {
    "TODAY": "SOON",
    "SOON": "WATCH",
    "WATCH": "SOON",
    "CONTACT": "SLOWER",
    "SLOWER": "ON_TRACK",
    "ON_TRACK": "SLOWER",
    "NO_LOGS": "ON_TRACK",
}


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int
    start: int  # column span on that line
    end: int
    before: str
    after: str


def _module_level_nodes(tree: ast.Module):
    """Every node outside function bodies (class bodies included: dataclass defaults are constants too)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        yield node
        pending.extend(ast.iter_child_nodes(node))


def mutants_of(path: str) -> list[Mutant]:
    """The constant mutants of one file, in the order they appear."""
    source = (ROOT / path).read_text()
    found = []
    for node in _module_level_nodes(ast.parse(source)):
        if getattr(node, "lineno", None) is None or node.lineno != node.end_lineno:
            continue
        before = ast.get_source_segment(source, node)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            found.append(Mutant(path, node.lineno, node.col_offset, node.end_col_offset, before, repr(node.value + 1)))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in SWAPS:
            found.append(Mutant(path, node.lineno, node.col_offset, node.end_col_offset, before, SWAPS[node.id]))
    return sorted(found, key=lambda m: (m.line, m.start))


def _apply(tree: Path, mutant: Mutant | None) -> None:
    target = tree / mutant.path if mutant else None
    for path in FILES:
        source = (ROOT / path).read_text()
        if target == tree / path:
            lines = source.splitlines(keepends=True)
            # Columns are in UTF-8 bytes.
            line = lines[mutant.line - 1].encode()
            lines[mutant.line - 1] = (line[: mutant.start] + mutant.after.encode() + line[mutant.end :]).decode()
            source = "".join(lines)
        (tree / path).write_text(source)


def _killed(tree: Path, mutant: Mutant, timeout: float) -> bool:
    _apply(tree, mutant)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *RULE_TESTS]
    try:
        result = subprocess.run(command, cwd=tree, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return True
    finally:
        _apply(tree, None)
    return result.returncode != 0


def main(argv: list[str] | None = None) -> int:
    """Try every constant mutant; print the survivors; exit 1 if any survives."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a run counts as killed")
    args = parser.parse_args(argv)
    mutants = [m for path in FILES for m in mutants_of(path)]
    with tempfile.TemporaryDirectory(prefix="constant-mutants-") as scratch:
        trees = []
        for worker in range(args.workers):
            tree = Path(scratch) / str(worker)
            for name in COPIED:
                source = ROOT / name
                if source.is_dir():
                    shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    tree.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, tree / name)
            trees.append(tree)
        chunks = [mutants[worker :: args.workers] for worker in range(args.workers)]
        with ThreadPoolExecutor(args.workers) as pool:
            results = pool.map(
                lambda pair: [(m, _killed(pair[0], m, args.timeout)) for m in pair[1]], zip(trees, chunks, strict=True)
            )
            outcomes = [outcome for chunk in results for outcome in chunk]
    survivors = sorted((m for m, killed in outcomes if not killed), key=lambda m: (m.path, m.line, m.start))
    for m in survivors:
        print(f"constant survived: {m.path}:{m.line} {m.before} -> {m.after}")
    print(f"constant mutants:        {len(mutants)} (module level, which mutmut 3 does not mutate)")
    print(f"constant survivors:      {len(survivors)}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
