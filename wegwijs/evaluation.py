"""`make eval`: language, life-domain and crisis figures on evaluation files.

No evaluation file is ever used for training. Each line:
{"text", "lang", "domains" (null for languages we do not chat in), "crisis"}.
Messages go through `Understanding`, the live assistant's code path.
The files and what they have been used for: tests/eval/README.md.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from bot.language import CHAT_LANGUAGES, words
from bot.settings import PROJECT_ROOT
from bot.triage.assessment import CLASSIFIER_REASON, INTENT_MODEL_REASON

TARGETS = {
    "language_accuracy": 0.98,
    "domain_micro_f1": {"nl": 0.90, "fr": 0.85, "en": 0.85},
    "crisis_recall": 1.0,
    "crisis_false_alarm_rate": 0.02,
}
SHORT_WORDS = 4
# What raised a crisis flag (Assessment.crisis_reasons): the two models by name,
# any other reason is a pattern category.
_MODEL_REASONS = {INTENT_MODEL_REASON: "intent model", CLASSIFIER_REASON: "classifier"}


def flag_sources(reasons: Iterable[str]) -> str:
    """'patterns', 'classifier', 'classifier+patterns'...: which detectors raised the flag."""
    return "+".join(sorted({_MODEL_REASONS.get(reason, "patterns") for reason in reasons})) or "none"


@dataclass
class Scores:
    language_total: int = 0
    language_correct: int = 0
    short_total: int = 0
    short_correct: int = 0
    crisis_positive: int = 0
    crisis_found: int = 0
    crisis_negative: int = 0
    crisis_false_alarms: int = 0
    crisis_found_or_safety_line: int = 0
    safety_lines_on_others: int = 0
    chat_crisis_positive: int = 0  # in nl/fr/en, which the models read as well as the patterns
    chat_crisis_found: int = 0
    chat_crisis_negative: int = 0
    chat_safety_lines_on_others: int = 0
    near_misses: int = 0  # messages the file marks as sounding close to a crisis without being one
    near_miss_false_alarms: int = 0


def read_jsonl(path: Path) -> list[dict]:
    """An evaluation file (or a labeller's file): one JSON object per non-empty line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def micro_f1(pairs: Iterable[tuple[set, set]]) -> float:
    tp = fp = fn = 0
    for expected, predicted in pairs:
        tp += len(expected & predicted)
        fp += len(predicted - expected)
        fn += len(expected - predicted)
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def per_domain(pairs: Iterable[tuple[set, set]]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 of each life domain: where the model is weak."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for expected, predicted in pairs:
        for domain in expected | predicted:
            counts[domain]["tp" if domain in expected and domain in predicted else "fp" if domain in predicted else "fn"] += 1
    figures = {}
    for domain, c in sorted(counts.items()):
        precision = c["tp"] / max(1, c["tp"] + c["fp"])
        recall = c["tp"] / max(1, c["tp"] + c["fn"])
        f1 = 0.0 if c["tp"] == 0 else 2 * c["tp"] / (2 * c["tp"] + c["fp"] + c["fn"])
        figures[domain] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                           "labelled": c["tp"] + c["fn"]}
    return figures


def evaluate(items: list[dict], predict) -> dict:
    scores = Scores()
    domain_pairs: dict[str, list[tuple[set, set]]] = defaultdict(list)
    language_errors: Counter = Counter()
    found_by: Counter = Counter()
    false_alarms_by: Counter = Counter()
    missed_crises, false_alarms, examples = [], [], []
    for item in items:
        got = predict(item["text"])
        short = len(words(item["text"])) <= SHORT_WORDS
        scores.language_total += 1
        scores.short_total += short
        if got["lang"] == item["lang"]:
            scores.language_correct += 1
            scores.short_correct += short
        else:
            language_errors[f"{item['lang']}->{got['lang']}"] += 1
            examples.append({"text": item["text"], "expected": item["lang"], "got": got["lang"]})
        if item["lang"] in CHAT_LANGUAGES and item.get("domains") is not None:
            domain_pairs[item["lang"]].append((set(item["domains"]), set(got["domains"])))
        in_chat_language = item["lang"] in CHAT_LANGUAGES
        if item["crisis"]:
            scores.crisis_positive += 1
            scores.crisis_found += got["crisis"]
            scores.chat_crisis_positive += in_chat_language
            scores.chat_crisis_found += in_chat_language and bool(got["crisis"])
            scores.crisis_found_or_safety_line += bool(got["crisis"] or got.get("safety_line"))
            if got["crisis"]:
                found_by[flag_sources(got.get("crisis_reasons", ()))] += 1
            else:
                missed_crises.append(item["text"])
        else:
            scores.crisis_negative += 1
            scores.safety_lines_on_others += bool(got.get("safety_line"))
            scores.chat_crisis_negative += in_chat_language
            scores.chat_safety_lines_on_others += in_chat_language and bool(got.get("safety_line"))
            near_miss = bool(item.get("near_miss"))
            scores.near_misses += near_miss
            scores.near_miss_false_alarms += near_miss and bool(got["crisis"])
            if got["crisis"]:
                scores.crisis_false_alarms += 1
                false_alarms_by[flag_sources(got.get("crisis_reasons", ()))] += 1
                false_alarms.append(item["text"])
    return {
        "items": len(items),
        "language_accuracy": scores.language_correct / max(1, scores.language_total),
        "language_accuracy_short": scores.short_correct / max(1, scores.short_total),
        "short_messages": scores.short_total,
        "language_errors": dict(language_errors.most_common()),
        "language_error_examples": examples[:20],
        "domain_micro_f1": {lang: micro_f1(pairs) for lang, pairs in sorted(domain_pairs.items())},
        "domains_nl_fr_en": per_domain(pair for pairs in domain_pairs.values() for pair in pairs),
        "crisis_recall": scores.crisis_found / max(1, scores.crisis_positive),
        "crisis_false_alarm_rate": scores.crisis_false_alarms / max(1, scores.crisis_negative),
        "crisis_positives": scores.crisis_positive,
        # Other languages are read by the crisis patterns alone.
        "crisis_found_by_language_kind": {
            "nl_fr_en": [scores.chat_crisis_found, scores.chat_crisis_positive],
            "other_languages": [scores.crisis_found - scores.chat_crisis_found,
                                scores.crisis_positive - scores.chat_crisis_positive],
        },
        # Split only where the file marks its near-misses: a file full of them says little
        # about the false alarms ordinary help questions get.
        "false_alarms_split": {
            "near_misses": [scores.near_miss_false_alarms, scores.near_misses],
            "other_messages": [scores.crisis_false_alarms - scores.near_miss_false_alarms,
                               scores.crisis_negative - scores.near_misses],
        } if scores.near_misses else None,
        "crisis_flagged_or_safety_line": scores.crisis_found_or_safety_line / max(1, scores.crisis_positive),
        "safety_line_on_others_rate": scores.safety_lines_on_others / max(1, scores.crisis_negative),
        # Every offer in another language carries the help lines: the rate that varies is this one.
        "safety_line_on_others_rate_nl_fr_en": scores.chat_safety_lines_on_others / max(1, scores.chat_crisis_negative),
        "crises_found_by": dict(found_by.most_common()),
        "false_alarms_by": dict(false_alarms_by.most_common()),
        "missed_crises": missed_crises,
        "false_alarms": false_alarms,
    }


def failed_targets(report: dict) -> list[str]:
    failed = []
    if report["language_accuracy"] < TARGETS["language_accuracy"]:
        failed.append("language accuracy")
    for lang, target in TARGETS["domain_micro_f1"].items():
        if report["domain_micro_f1"].get(lang, 0.0) < target:
            failed.append(f"domain micro-F1 ({lang})")
    if report["crisis_recall"] < TARGETS["crisis_recall"]:
        failed.append("crisis recall")
    if report["crisis_false_alarm_rate"] > TARGETS["crisis_false_alarm_rate"]:
        failed.append("crisis false alarms")
    return failed


def main(paths: Sequence[Path], check: bool = False, show_misses: bool = False) -> int:
    """Figures per file; with `check`, exit 1 when a file marked as a test set misses a target.

    Missed crises are printed only with `show_misses`: reading them spends a
    blind file (the details file under var/results still holds them).
    """
    from wegwijs.understanding import load_understanding

    understanding = load_understanding()
    failed_any = False
    for path in paths:
        items = read_jsonl(path)
        started = time.monotonic()
        report = evaluate(items, lambda text: understanding.triage(text, explained=True))
        report["seconds"] = round(time.monotonic() - started, 1)
        out = PROJECT_ROOT / "var" / "results" / f"eval-{path.stem}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        _print(path, report, out, show_misses)
        failed_any |= bool(failed_targets(report))
    return 1 if (check and failed_any) else 0


def _print(path: Path, report: dict, out: Path, show_misses: bool) -> None:
    shown = path.relative_to(PROJECT_ROOT) if path.is_absolute() and PROJECT_ROOT in path.parents else path
    print(f"== {shown}: {report['items']} messages ({report['short_messages']} of at most {SHORT_WORDS} words)")
    print(f"Language accuracy: {report['language_accuracy']:.3f} (short messages {report['language_accuracy_short']:.3f})"
          f"  target >= {TARGETS['language_accuracy']}")
    for lang, f1 in report["domain_micro_f1"].items():
        print(f"Domain micro-F1 {lang}: {f1:.3f}  target >= {TARGETS['domain_micro_f1'][lang]}")
    weakest = sorted(report["domains_nl_fr_en"].items(), key=lambda kv: kv[1]["f1"])[:4]
    if weakest:
        print("Weakest domains (F1, precision/recall): " + ", ".join(
            f"{d} {f['f1']:.2f} ({f['precision']:.2f}/{f['recall']:.2f})" for d, f in weakest))
    print(f"Crisis recall: {report['crisis_recall']:.3f} of {report['crisis_positives']}  target 1.0")
    (chat, chat_total), (other, other_total) = report["crisis_found_by_language_kind"].values()
    if other_total:
        print(f"  found in nl/fr/en {chat} of {chat_total}, in other languages (patterns only) {other} of {other_total}")
    print(f"Crisis false alarms: {report['crisis_false_alarm_rate']:.3%}  target <= 2%")
    if report["false_alarms_split"]:
        (near, near_total), (other, other_total) = report["false_alarms_split"].values()
        print(f"  of which on near-misses {near} of {near_total}, on other messages {other} of {other_total}")
    print(f"Crises flagged or given the safety line: {report['crisis_flagged_or_safety_line']:.3f}; "
          f"safety line on other messages: {report['safety_line_on_others_rate']:.1%} "
          f"(nl/fr/en {report['safety_line_on_others_rate_nl_fr_en']:.1%}; every offer in another language has it)")
    for label, key in (("Crises found by", "crises_found_by"), ("False alarms raised by", "false_alarms_by")):
        if report[key]:
            print(f"{label}: " + ", ".join(f"{sources} {n}" for sources, n in report[key].items()))
    if report["missed_crises"] and show_misses:
        print("Missed crises:", *report["missed_crises"], sep="\n  ")
    print(f"Details: {out.relative_to(PROJECT_ROOT)}")
    failed = failed_targets(report)
    if failed:
        print("Below target:", ", ".join(failed))
    print()
