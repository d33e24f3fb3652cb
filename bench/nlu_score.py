"""Score the deterministic NLU (intents + entities) on labelled JSON lines such as nlu_dev.jsonl."""

# Usage: python bench/nlu_score.py [FILE] [--errors N] [--entity-errors N] [--json] [--cv K]
# --cv K splits the lines into K folds by dialogue (the `source` id without its turn number), so no
# dialogue's turns fall on both sides of a split, and reports each held-out fold and their mean, spread
# and worst: the figure to trust for rules tuned on other folds (tune on K-1, read the held-out one).
# Per shared/data/README.md: intent accuracy over lines with a non-null intent (also with
# book_room and check_availability merged); entity micro precision/recall/F1 over
# (line, name, value) with names limited to each line's scored_entities. Also reports the
# time per utterance (classify + extract).

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from roomiai.agent.brain.entities import EntityExtractor  # noqa: E402
from roomiai.agent.brain.intents import IntentClassifier  # noqa: E402

def _default_file() -> Path:
    """nlu_dev.jsonl: $ROOMI_NLU_DEV, else shared/data in the checkout or beside it."""
    env = os.environ.get("ROOMI_NLU_DEV")
    if env:
        return Path(env)
    for base in (ROOT, ROOT.parent):
        candidate = base / "shared" / "data" / "nlu_dev.jsonl"
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "data" / "nlu_dev.jsonl"


DEFAULT_FILE = _default_file()
MERGE = {"check_availability": "book_room"}


@dataclass
class Report:
    """Scores of one run."""

    lines: int = 0
    intent_total: int = 0
    intent_correct: int = 0
    intent_correct_merged: int = 0
    per_intent: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    confusion: Counter = field(default_factory=Counter)
    entity_tp: Counter = field(default_factory=Counter)
    entity_fp: Counter = field(default_factory=Counter)
    entity_fn: Counter = field(default_factory=Counter)
    intent_errors: list[dict] = field(default_factory=list)
    entity_errors: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.intent_total if self.intent_total else 0.0

    @property
    def intent_accuracy_merged(self) -> float:
        return self.intent_correct_merged / self.intent_total if self.intent_total else 0.0

    def entity_prf(self, name: str | None = None) -> tuple[float, float, float]:
        """Micro precision, recall, F1 over all entity names, or one name."""
        keys = [name] if name else list(set(self.entity_tp) | set(self.entity_fp) | set(self.entity_fn))
        tp = sum(self.entity_tp[k] for k in keys)
        fp = sum(self.entity_fp[k] for k in keys)
        fn = sum(self.entity_fn[k] for k in keys)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    @property
    def ms_per_utterance(self) -> float:
        return 1000 * self.seconds / self.lines if self.lines else 0.0

    def as_dict(self) -> dict:
        p, r, f = self.entity_prf()
        return {
            "lines": self.lines,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "intent_accuracy_merged": round(self.intent_accuracy_merged, 4),
            "entity_precision": round(p, 4),
            "entity_recall": round(r, 4),
            "entity_f1": round(f, 4),
            "per_entity": {k: [round(x, 4) for x in self.entity_prf(k)]
                           for k in sorted(set(self.entity_tp) | set(self.entity_fn) | set(self.entity_fp))},
            "ms_per_utterance": round(self.ms_per_utterance, 3),
        }


def _value(v: object) -> object:
    return v.isoformat() if isinstance(v, dt.date) else v


def score(rows: list[dict]) -> Report:
    """Run the NLU over labelled rows and score it."""
    classifier = IntentClassifier()
    extractor = EntityExtractor()
    rep = Report()
    for row in rows:
        today = dt.date.fromisoformat(row["today"])
        prev = row.get("previous_agent") or ""
        t0 = time.perf_counter()
        result = classifier.classify(row["utterance"], previous_agent=prev)
        ents = extractor.extract(row["utterance"], today=today, previous_agent=prev)
        rep.seconds += time.perf_counter() - t0
        rep.lines += 1
        gold = row.get("intent")
        if gold is not None:
            rep.intent_total += 1
            pred = result.intent
            ok = pred == gold
            rep.intent_correct += ok
            rep.intent_correct_merged += MERGE.get(pred, pred) == MERGE.get(gold, gold)
            rep.per_intent[gold]["support"] += 1
            rep.per_intent[gold]["tp"] += ok
            rep.per_intent[pred]["predicted"] += 1
            if not ok:
                rep.confusion[(gold, pred)] += 1
                rep.intent_errors.append({"id": row["id"], "gold": gold, "pred": pred,
                                          "previous_agent": prev, "utterance": row["utterance"]})
        scored = set(row.get("scored_entities") or [])
        gold_e = {(k, v) for k, v in (row.get("entities") or {}).items() if k in scored}
        pred_e = {(k, _value(v)) for k, v in ents.items() if k in scored}
        for k, _ in gold_e & pred_e:
            rep.entity_tp[k] += 1
        for k, _ in pred_e - gold_e:
            rep.entity_fp[k] += 1
        for k, _ in gold_e - pred_e:
            rep.entity_fn[k] += 1
        if gold_e != pred_e:
            rep.entity_errors.append({"id": row["id"], "gold": sorted(gold_e), "pred": sorted(pred_e),
                                      "previous_agent": prev, "utterance": row["utterance"]})
    return rep


def dialogue_of(row: dict) -> str:
    """The dialogue a line belongs to: its `source` without the turn number (sgd/Hotels_3/40_00099/4 → .../40_00099)."""
    source = row.get("source") or row.get("id") or ""
    return source.rsplit("/", 1)[0] if "/" in source else source


def folds(rows: list[dict], k: int) -> list[list[dict]]:
    """K folds of whole dialogues, the same for every run (dialogues assigned by a stable hash of their id)."""
    import hashlib

    parts: list[list[dict]] = [[] for _ in range(k)]
    for row in rows:
        key = int(hashlib.sha256(dialogue_of(row).encode()).hexdigest()[:8], 16)
        parts[key % k].append(row)
    return [part for part in parts if part]


def cross_validate(rows: list[dict], k: int) -> dict:
    """Score each held-out fold; the mean, the spread (population std) and the worst fold of each figure."""
    reports = [score(part) for part in folds(rows, k)]
    figures: dict[str, list[float]] = defaultdict(list)
    for rep in reports:
        p, r, f = rep.entity_prf()
        for name, value in (("intent_accuracy", rep.intent_accuracy), ("intent_accuracy_merged", rep.intent_accuracy_merged),
                            ("entity_precision", p), ("entity_recall", r), ("entity_f1", f)):
            figures[name].append(value)
    summary: dict = {"folds": len(reports), "lines": [rep.lines for rep in reports],
                     "dialogues": len({dialogue_of(row) for row in rows})}
    for name, values in figures.items():
        mean = sum(values) / len(values)
        spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
        summary[name] = {"mean": round(mean, 4), "std": round(spread, 4), "min": round(min(values), 4),
                         "per_fold": [round(v, 4) for v in values]}
    return summary


def print_cv(summary: dict) -> None:
    """Cross-validation figures on stdout."""
    print(f"{summary['folds']}-fold cross-validation by dialogue ({summary['dialogues']} dialogues, "
          f"lines per fold {summary['lines']})")
    for name in ("intent_accuracy", "intent_accuracy_merged", "entity_precision", "entity_recall", "entity_f1"):
        fig = summary[name]
        print(f"  {name:24s} mean {fig['mean']:.4f} ± {fig['std']:.4f}   worst fold {fig['min']:.4f}")


def load(path: Path) -> list[dict]:
    """Labelled rows of a JSON-lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def print_report(rep: Report, *, errors: int = 0, entity_errors: int = 0) -> None:
    """Human-readable report on stdout."""
    print(f"lines: {rep.lines}   scored intents: {rep.intent_total}")
    print(f"intent accuracy:          {rep.intent_accuracy:.4f}")
    print(f"intent accuracy (merged): {rep.intent_accuracy_merged:.4f}   (book_room+check_availability)")
    print("\nper intent:            support  recall  precision")
    for intent in sorted(rep.per_intent):
        c = rep.per_intent[intent]
        rec = c["tp"] / c["support"] if c["support"] else 0.0
        prec = c["tp"] / c["predicted"] if c["predicted"] else 0.0
        print(f"  {intent:20s} {c['support']:7d}  {rec:6.3f}  {prec:9.3f}")
    print("\nconfusions (gold -> predicted):")
    for (g, p), n in rep.confusion.most_common(15):
        print(f"  {n:4d}  {g} -> {p}")
    p, r, f = rep.entity_prf()
    print(f"\nentities (micro, scored names only): P {p:.4f}  R {r:.4f}  F1 {f:.4f}")
    for name in sorted(set(rep.entity_tp) | set(rep.entity_fn) | set(rep.entity_fp)):
        p, r, f = rep.entity_prf(name)
        n = rep.entity_tp[name] + rep.entity_fn[name]
        print(f"  {name:16s} gold {n:4d}  P {p:.4f}  R {r:.4f}  F1 {f:.4f}")
    print(f"\ntime per utterance (classify+extract): {rep.ms_per_utterance:.3f} ms")
    for e in rep.intent_errors[:errors]:
        print(f"\n[{e['id']}] gold={e['gold']} pred={e['pred']}\n  agent:  {e['previous_agent']}\n  caller: {e['utterance']}")
    for e in rep.entity_errors[:entity_errors]:
        print(f"\n[{e['id']}] gold={e['gold']}\n  pred={e['pred']}\n  agent:  {e['previous_agent']}\n  caller: {e['utterance']}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help="labelled JSON lines")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print N misclassified intents")
    ap.add_argument("--entity-errors", type=int, default=0, metavar="N", help="print N entity mismatches")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold cross-validation split by dialogue")
    args = ap.parse_args(argv)
    if args.cv:
        if args.cv < 2:
            ap.error("--cv needs at least 2 folds")
        summary = cross_validate(load(Path(args.file)), args.cv)
        if args.json:
            print(json.dumps(summary, indent=2))
        else:
            print_cv(summary)
        return 0
    rep = score(load(Path(args.file)))
    if args.json:
        print(json.dumps(rep.as_dict(), indent=2))
    else:
        print_report(rep, errors=args.errors, entity_errors=args.entity_errors)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(0)
