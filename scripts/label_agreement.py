"""How well independent labellers agree with an evaluation file's labels.

    .venv/bin/python scripts/label_agreement.py tests/eval/heldout_3.jsonl \
        tests/eval/agreement/heldout_3.labeller_a.jsonl tests/eval/agreement/heldout_3.labeller_b.jsonl

Each labeller file holds one {"id", "domains", "crisis"} per message of the
evaluation file in nl, fr or en (`id` is the line number from 0), labelled
blind from data/nlu/LABELS.md alone. Prints the domain micro-F1 of each
labeller against the file, of the labellers against each other, the crisis
agreement and the domains where they differ most: the ceiling that a model
measured against that file can be expected to reach.

Only figures are printed, never a message: the evaluation file stays blind.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from bot.language import CHAT_LANGUAGES
from wegwijs.evaluation import micro_f1, per_domain, read_jsonl


def labelled_file(path: Path) -> dict[int, dict]:
    """The evaluation file's nl/fr/en lines, by line number."""
    return {i: row for i, row in enumerate(read_jsonl(path)) if row["lang"] in CHAT_LANGUAGES}


def labeller(path: Path, reference: dict[int, dict]) -> dict[int, dict]:
    rows = {row["id"]: row for row in read_jsonl(path)}
    if set(rows) != set(reference):
        raise SystemExit(f"{path}: labels {len(rows)} messages, the evaluation file has {len(reference)} in nl/fr/en")
    return rows


def domain_f1(reference: dict[int, dict], other: dict[int, dict], ids: list[int]) -> float:
    return micro_f1((set(reference[i]["domains"]), set(other[i]["domains"])) for i in ids)


def crisis_agreement(reference: dict[int, dict], other: dict[int, dict]) -> str:
    positive = [i for i in reference if reference[i]["crisis"]]
    negative = [i for i in reference if not reference[i]["crisis"]]
    found = sum(other[i]["crisis"] for i in positive)
    alarms = sum(other[i]["crisis"] for i in negative)
    return f"crisis {found}/{len(positive)} found, {alarms}/{len(negative)} extra"


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    reference = labelled_file(Path(argv[0]))
    labellers = {Path(p).stem: labeller(Path(p), reference) for p in argv[1:]}
    languages = sorted({row["lang"] for row in reference.values()})
    named = {"file": reference, **labellers}
    pairs = [("file", name) for name in labellers] + list(itertools.combinations(labellers, 2))
    ids_of = {lang: [i for i, row in reference.items() if row["lang"] == lang] for lang in languages}
    for left, right in pairs:
        by_lang = " ".join(f"{lang} {domain_f1(named[left], named[right], ids_of[lang]):.3f}" for lang in languages)
        print(f"{right} against {left}: domain micro-F1 {by_lang}, all {domain_f1(named[left], named[right], list(reference)):.3f}; "
              f"{crisis_agreement(named[left], named[right])}")
    for name, labels in labellers.items():
        figures = per_domain((set(reference[i]["domains"]), set(labels[i]["domains"])) for i in reference)
        weakest = sorted(figures.items(), key=lambda kv: kv[1]["f1"])[:5]
        print(f"{name}: domains furthest from the file: " + ", ".join(f"{d} {f['f1']:.2f}" for d, f in weakest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
