"""The mutation score of the pure core, from mutmut's results in mutants/ (`make mutation` runs both).

Each mutant's function is compared with the original, node by node, and the mutant sorted into one kind:

- "wording": every change is to a string literal that is part of words shown to people (a string with a
  space in it, or any string inside an f-string), replaced by another string or None;
- "behaviour": anything else (operators, numbers, keys such as "today" or "redness", calls, arguments).

A behaviour mutant is also marked RULE when it touches a comparison, arithmetic, logic, a number, a
constant in capitals or a status or severity: the kinds that can change a status, a flag's severity or a
time or depth threshold, of which no survivor is allowed. Prints every surviving behaviour mutant, the
totals and the score over behaviour mutants; exits 1 when that score is under --min-score, when a RULE
mutant survives or when some mutant was not checked.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
# mutmut 3's exit codes (mutmut.stats.status_by_exit_code): 1 and 3 are kills; timeouts count as kills.
KILLED = {1, 3, 24, -24, 36, 152, 255}
STATES = {None: "not checked", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 37: "type check"}
# Names, attributes and keys that carry a status or a severity.
RULE_WORDS = {"status", "severity", "contact", "slower", "on_track", "no_logs", "today", "soon", "watch"}
RULE_NODES = (ast.Compare, ast.cmpop, ast.BinOp, ast.operator, ast.UnaryOp, ast.unaryop, ast.BoolOp, ast.boolop)


@dataclass
class Mutant:
    name: str
    path: str
    line: int
    exit_code: int | None
    kind: str  # "wording" or "behaviour"
    rule: bool
    before: str
    after: str

    @property
    def killed(self) -> bool:
        return self.exit_code in KILLED

    @property
    def state(self) -> str:
        return "killed" if self.killed else STATES.get(self.exit_code, f"exit code {self.exit_code}")


Difference = tuple[ast.AST, ast.AST, bool]  # the node before, after, and whether it is inside an f-string


def _differences(a: ast.AST, b: ast.AST, in_fstring: bool = False) -> list[Difference]:
    """The smallest pairs of nodes that differ between two trees."""
    if type(a) is not type(b):
        return [(a, b, in_fstring)]
    in_fstring = in_fstring or isinstance(a, ast.JoinedStr)
    found = []
    for field in a._fields:
        left, right = getattr(a, field, None), getattr(b, field, None)
        if isinstance(left, list) and isinstance(right, list):
            if len(left) != len(right):
                return [(a, b, in_fstring)]
            pairs = list(zip(left, right, strict=True))
        else:
            pairs = [(left, right)]
        for x, y in pairs:
            if isinstance(x, ast.AST) and isinstance(y, ast.AST):
                found += _differences(x, y, in_fstring)
            elif x != y or type(x) is not type(y):
                return [(a, b, in_fstring)]
    return found


def _is_wording(before: ast.AST, after: ast.AST, in_fstring: bool) -> bool:
    if not (isinstance(before, ast.Constant) and isinstance(before.value, str)):
        return False
    if not (isinstance(after, ast.Constant) and (after.value is None or isinstance(after.value, str))):
        return False
    return in_fstring or any(character.isspace() for character in before.value)


def _touches_a_rule(differences: list[Difference]) -> bool:
    for before, after, _ in differences:
        for node in (*ast.walk(before), *ast.walk(after)):
            if isinstance(node, RULE_NODES):
                return True
            if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                return True
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in RULE_WORDS:
                return True
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
            if name.lower() in RULE_WORDS or (name.isupper() and len(name) > 1):
                return True
    return False


def _changed_lines(lines: list[str], original: ast.FunctionDef, mutated: ast.FunctionDef) -> tuple[int, str, str]:
    """Offset in the function of the first changed line, and the changed lines before and after."""
    old = lines[original.lineno - 1 : original.end_lineno]
    new = lines[mutated.lineno - 1 : mutated.end_lineno]
    old[0] = new[0] = ""  # the names differ by design
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            return i1, " ".join(s.strip() for s in old[i1:i2]), " ".join(s.strip() for s in new[j1:j2])
    return 0, "", ""


def _def_lines(path: Path) -> dict[str, int]:
    """Line of each function of the original file, named as mutmut names them (a method: Classǁname)."""
    lines = {}
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            lines[node.name] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, ast.FunctionDef):
                    lines[f"{node.name}ǁ{child.name}"] = child.lineno
    return lines


def load(mutants_dir: Path = MUTANTS) -> list[Mutant]:
    """Every mutant mutmut made, with its result and kind."""
    mutants = []
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        mutated_file = meta.with_suffix("")
        relative = mutated_file.relative_to(mutants_dir)
        source = mutated_file.read_text()
        lines = source.splitlines()
        functions = {node.name: node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef)}
        def_lines = _def_lines(ROOT / relative)
        module = ".".join(relative.with_suffix("").parts)
        for name, exit_code in json.loads(meta.read_text())["exit_code_by_key"].items():
            local = name.removeprefix(module + ".")
            base = local.rsplit("__mutmut_", 1)[0]
            original, mutated = functions[base + "__mutmut_orig"], functions[local]
            differences = [d for a, b in zip(original.body, mutated.body, strict=False) for d in _differences(a, b)]
            if len(original.body) != len(mutated.body):
                differences.append((original, mutated, False))
            wording = bool(differences) and all(_is_wording(*difference) for difference in differences)
            offset, before, after = _changed_lines(lines, original, mutated)
            function = base.removeprefix("xǁ") if base.startswith("xǁ") else base.removeprefix("x_")
            mutants.append(
                Mutant(
                    name=name,
                    path=str(relative),
                    line=def_lines.get(function, 0) + offset,
                    exit_code=exit_code,
                    kind="wording" if wording else "behaviour",
                    rule=not wording and _touches_a_rule(differences),
                    before=before,
                    after=after,
                )
            )
    return mutants


def main(argv: list[str] | None = None) -> int:
    """Print the survivors and the score; exit 1 if the score is short, a RULE mutant survives or some are unchecked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-score", type=float, default=95.0, help="lowest score over behaviour mutants, in %%")
    parser.add_argument("--wording", action="store_true", help="list the wording-only survivors too")
    args = parser.parse_args(argv)
    if not MUTANTS.is_dir():
        print("No mutants/ folder: run `make mutation` first.")
        return 1
    mutants = load()
    unchecked = [m for m in mutants if m.exit_code is None]
    survivors = [m for m in mutants if not m.killed and m.exit_code is not None]
    behaviour = [m for m in mutants if m.kind == "behaviour" and m.exit_code is not None]
    behaviour_survivors = [m for m in survivors if m.kind == "behaviour"]
    rule_survivors = [m for m in behaviour_survivors if m.rule]
    killed_behaviour = len(behaviour) - len(behaviour_survivors)
    score = 100.0 * killed_behaviour / len(behaviour) if behaviour else 100.0

    for m in sorted(survivors, key=lambda m: (m.kind, m.path, m.line, m.name)):
        if m.kind == "behaviour" or args.wording:
            print(f"{'RULE ' if m.rule else ''}{m.kind} {m.state}: {m.path}:{m.line} {m.name}")
            print(f"    - {m.before}\n    + {m.after}")
    print()
    print(f"mutants:                 {len(mutants)}")
    print(f"killed:                  {sum(m.killed for m in mutants)}")
    print(f"wording-only survivors:  {len(survivors) - len(behaviour_survivors)}")
    print(f"behaviour survivors:     {len(behaviour_survivors)} (RULE: {len(rule_survivors)})")
    print(f"score over behaviour:    {killed_behaviour}/{len(behaviour)} = {score:.1f}% (needs {args.min_score:g}%)")
    if unchecked:
        print(f"not checked:             {len(unchecked)} (the run was interrupted: run it again)")
    return 0 if score >= args.min_score and not rule_survivors and not unchecked else 1


if __name__ == "__main__":
    sys.exit(main())
