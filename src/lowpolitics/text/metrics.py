"""Per-class precision, recall, F1, macro-F1 and the confusion matrix — by hand, so the numbers
reported in the README can be checked against a hand computation in the tests."""

from __future__ import annotations

from collections import Counter


def classification_report(gold: list[str], predicted: list[str]) -> dict:
    """Scores over the classes seen in ``gold`` (a class never in gold has no recall)."""
    classes = sorted(set(gold))
    confusion = Counter(zip(gold, predicted, strict=True))
    per_class = {}
    for c in classes:
        tp = confusion[(c, c)]
        fp = sum(n for (g, p), n in confusion.items() if p == c and g != c)
        fn = sum(n for (g, p), n in confusion.items() if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[c] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    labels = sorted(set(gold) | set(predicted))
    return {
        "n": len(gold),
        "accuracy": round(sum(confusion[(c, c)] for c in labels) / len(gold), 4) if gold else None,
        "macro_f1": round(sum(v["f1"] for v in per_class.values()) / len(per_class), 4)
        if per_class
        else None,
        "per_class": per_class,
        "labels": labels,
        "confusion": [[confusion[(g, p)] for p in labels] for g in labels],
    }
