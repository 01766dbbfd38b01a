"""Cross-validation of the life-domain model on the TRAINING data, without Rasa.

    .venv/bin/python scripts/domain_cv.py [--folds 5] [--thresholds 0.4,0.5,0.6,0.7]
        [--keywords DIR | --no-keywords] [--per-domain] [--unseen DIR]
    .venv/bin/python scripts/domain_cv.py --keyword-precision 0.8 [--unseen DIR]

Reads the NLU examples and their `domains` exactly as
nlu_components.triage.LifeDomainClassifier.labels does (example metadata, else
intent metadata, else none), splits them in k folds stratified by language and
first domain, trains `DomainModel` on k-1 folds and predicts the held-back
fold the way the live assistant does: model, then the clear keywords of the
message's language (`with_keyword_domains`), then the top domain of a help
question that has none (`with_top_domain`). Reports domain micro-F1 per
language for each threshold.

Caveat: the keyword lexicons were written while looking at the training data,
so "with keywords" figures here are optimistic; the classifier alone
(--no-keywords) is an honest estimate. `--unseen DIR` (a folder laid out like
data/nlu, with new messages the lexicons and model never saw) trains on all
training data and scores that folder instead: the honest check for keywords.

The held-out set (tests/eval/heldout.jsonl, `make eval`) is never read here.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bot.language import LanguageGuess  # noqa: E402
from wegwijs.evaluation import micro_f1, per_domain as domain_figures  # noqa: E402
from bot.life_domains import LIFE_DOMAINS  # noqa: E402
from bot.triage.assessment import Assessment, with_top_domain  # noqa: E402
from bot.triage.domain_keywords import DOMAIN_KEYWORDS_DIR, load_domain_keywords  # noqa: E402
from bot.triage.domain_model import (  # noqa: E402
    THRESHOLD,
    DomainModel,
    DomainPrediction,
    domains_from_scores,
    with_keyword_domains,
)
from bot.triage.patterns import LanguagePatterns, normalise_for_patterns  # noqa: E402

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
CHAT_LANGUAGES = ("nl", "fr", "en")


@dataclass(frozen=True)
class Example:
    text: str
    domains: tuple[str, ...]
    language: str  # the data/nlu/<language>/ folder
    intent: str


def _example_lines(examples) -> Iterable[tuple[str, Optional[dict]]]:
    """(text, example metadata) from a Rasa `examples` block (string or list)."""
    if isinstance(examples, str):
        for line in examples.splitlines():
            stripped = line.strip()
            if stripped.startswith("- "):
                yield stripped[2:].strip(), None
        return
    for item in examples or []:
        if isinstance(item, dict):
            yield str(item.get("text", "")).strip(), item.get("metadata")
        else:
            yield str(item).strip(), None


def load_examples(nlu_dir: Path = NLU_DIR) -> list[Example]:
    found = []
    for path in sorted(nlu_dir.rglob("*.yml")):
        language = path.relative_to(nlu_dir).parts[0]
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in block:
                continue
            intent_domains = (block.get("metadata") or {}).get("domains")
            for text, metadata in _example_lines(block.get("examples")):
                if not text:
                    continue
                example_domains = (metadata or {}).get("domains")
                domains = example_domains if example_domains is not None else intent_domains or []
                found.append(Example(text, tuple(domains), language, block["intent"]))
    return found


def live_domains(
    scores: dict[str, float], keyword_domains: Sequence[str], intent: str, threshold: float = THRESHOLD
) -> set[str]:
    """The domains the assistant reports for these model scores, keywords and intent."""
    prediction = DomainPrediction(domains_from_scores(scores, threshold), scores)
    domains = with_keyword_domains(prediction, keyword_domains, threshold)
    assessment = Assessment(LanguageGuess.from_dict(None), domains, False, (), scores)
    return set(with_top_domain(intent, assessment).domains)




def folds(examples: Sequence[Example], k: int, seed: int) -> list[list[int]]:
    """k folds, stratified by language and by the first domain (or the intent)."""
    strata: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        strata[f"{example.language}/{example.domains[0] if example.domains else example.intent}"].append(index)
    rng = random.Random(seed)
    result: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for key in sorted(strata):
        members = strata[key]
        rng.shuffle(members)
        for position, index in enumerate(members):
            result[(offset + position) % k].append(index)
        offset += len(members)
    return result


def _fit(examples: Sequence[Example]) -> DomainModel:
    return DomainModel().fit([e.text for e in examples], [list(e.domains) for e in examples])


def out_of_fold_scores(examples: Sequence[Example], k: int = 5, seed: int = 1) -> list[dict[str, float]]:
    """Model scores for every example, each from a model that never saw it."""
    scores: list[dict[str, float]] = [{} for _ in examples]
    for fold in folds(examples, k, seed):
        held = set(fold)
        model = _fit([e for i, e in enumerate(examples) if i not in held])
        for i, prediction in zip(fold, model.predict_many([examples[i].text for i in fold])):
            scores[i] = prediction.scores
    return scores


def f1_per_language(
    examples: Sequence[Example], predicted: Sequence[set[str]], languages: Sequence[str] = CHAT_LANGUAGES
) -> dict[str, float]:
    pairs: dict[str, list[tuple[set, set]]] = defaultdict(list)
    for example, domains in zip(examples, predicted):
        pairs[example.language].append((set(example.domains), domains))
    return {language: micro_f1(pairs[language]) for language in languages if pairs[language]}


def per_domain(examples: Sequence[Example], predicted: Sequence[set[str]]) -> dict[str, tuple[float, float, float, int]]:
    """Precision, recall, F1 and support per domain (chat languages), as `make eval` counts them."""
    pairs = [(set(e.domains), domains) for e, domains in zip(examples, predicted) if e.language in CHAT_LANGUAGES]
    figures = domain_figures(pairs)
    none = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "labelled": 0}
    return {d: tuple(figures.get(d, none)[k] for k in ("precision", "recall", "f1", "labelled")) for d in LIFE_DOMAINS}


def keyword_precision(
    examples: Sequence[Example], keywords: LanguagePatterns
) -> list[tuple[str, str, str, int, int]]:
    """(language, domain, pattern, hits, correct hits) of every keyword on these examples."""
    normalised = [(e, normalise_for_patterns(e.text)) for e in examples]
    rows = []
    for pattern in keywords.patterns:
        hits = [e for e, text in normalised if e.language == pattern.language and pattern.regex.search(text)]
        rows.append((pattern.language, pattern.category, pattern.regex.pattern, len(hits),
                     sum(pattern.category in e.domains for e in hits)))
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--thresholds", default=f"0.4,0.5,{THRESHOLD},0.7",
                        help="comma-separated model thresholds to compare; the live one is marked")
    parser.add_argument("--keywords", type=Path, default=DOMAIN_KEYWORDS_DIR, help="lexicon folder")
    parser.add_argument("--no-keywords", action="store_true", help="the classifier alone")
    parser.add_argument("--per-domain", action="store_true", help="precision/recall per domain at the live threshold")
    parser.add_argument("--unseen", type=Path, default=None,
                        help="train on all training data and score this folder (laid out like data/nlu) instead")
    parser.add_argument("--keyword-precision", type=float, metavar="BELOW", default=None,
                        help="list keywords whose precision is below BELOW (on --unseen if given), then stop")
    args = parser.parse_args(argv)

    training = load_examples()
    keywords = None if args.no_keywords else load_domain_keywords(args.keywords)
    if args.keyword_precision is not None:
        checked = load_examples(args.unseen) if args.unseen else training
        for language, domain, source, hits, correct in keyword_precision(checked, keywords or load_domain_keywords()):
            if hits and correct / hits < args.keyword_precision:
                print(f"{language} {domain:<10} {correct:>3}/{hits:<3} {source}")
        return 0

    started = time.monotonic()
    if args.unseen:
        examples = load_examples(args.unseen)
        scores = [p.scores for p in _fit(training).predict_many([e.text for e in examples])]
        setting = f"trained on {len(training)} training examples, scored on {len(examples)} in {args.unseen}"
    else:
        examples = training
        scores = out_of_fold_scores(examples, args.folds, args.seed)
        setting = f"{args.folds}-fold CV over {len(examples)} training examples"
    keyword_domains = [
        keywords.categories(e.text, {e.language}) if keywords is not None else [] for e in examples
    ]
    print(f"{setting}; {'no keywords' if keywords is None else f'keywords from {args.keywords}'}")
    for threshold in (float(t) for t in args.thresholds.split(",")):
        predicted = [live_domains(s, k, e.intent, threshold) for e, s, k in zip(examples, scores, keyword_domains)]
        figures = "  ".join(f"{lang} {f1:.3f}" for lang, f1 in f1_per_language(examples, predicted).items())
        print(f"threshold {threshold:.2f}: domain micro-F1 {figures}{'  (live)' if threshold == THRESHOLD else ''}")
        if args.per_domain and threshold == THRESHOLD:
            for domain, (p, r, f1, support) in per_domain(examples, predicted).items():
                print(f"    {domain:<10} P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  n {support}")
    print(f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
