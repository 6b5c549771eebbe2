"""`make eval`: a model's quality on any labeled JSONL file in the guide's format.

    python -m training.evaluate --data ../shared/eval/dev.jsonl [--model models/current] [--worst 15]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from model.artifact import ModelLoadError, load_model
from model.labels import TONES
from model.tone_model import ToneModel
from training.checklist import format_checklist, run_checklist
from training.dataset import DataError, Example, label_matrix, read_examples
from training.metrics import calibration_error, format_quality, quality
from training.peers import peers
from training.plots import precision_recall_curves, reliability_diagram


def evaluate(model: ToneModel, examples: list[Example], use_context: bool = True) -> tuple[dict, np.ndarray]:
    """Quality figures and the predicted probabilities of `model` on `examples`."""
    contexts = [e.context for e in examples] if use_context else None
    probabilities = model.probabilities([e.reply for e in examples], contexts)
    cut = np.array([model.thresholds[t] for t in TONES])
    y = label_matrix(examples)
    return {**quality(y, (probabilities >= cut).astype(int)),
            "calibration_error": calibration_error(y, probabilities)}, probabilities


def worst_mistakes(model: ToneModel, examples: list[Example], probabilities: np.ndarray, n: int) -> list[dict]:
    """The `n` examples whose wrong labels were given (or missed) with the most confidence."""
    y = label_matrix(examples)
    cut = np.array([model.thresholds[t] for t in TONES])
    wrong = (probabilities >= cut) != y.astype(bool)
    margin = np.where(wrong, np.abs(probabilities - cut), 0.0).max(axis=1)
    mistakes = []
    for i in np.argsort(-margin, kind="stable")[:n]:
        if margin[i] == 0:
            break
        predicted = [t for t, p, c in zip(TONES, probabilities[i], cut) if p >= c]
        mistakes.append({"where": examples[i].where, "context": examples[i].context, "reply": examples[i].reply,
                         "gold": list(examples[i].labels), "predicted": predicted,
                         "scores": {t: round(float(p), 3) for t, p in zip(TONES, probabilities[i])}})
    return mistakes


def peer_figures(examples: list[Example]) -> list[tuple[str, dict]]:
    """The peers' quality on the same examples."""
    y = label_matrix(examples)
    return [(peer.name, quality(y, peer.labels([e.reply for e in examples]))) for peer in peers()]


def format_comparison(rows: list[tuple[str, dict]]) -> str:
    lines = ["side by side on the same file:",
             f"{'':<22}{'macro-F1 (frequent)':>20}{'macro-F1 (5)':>14}{'flag P':>8}{'flag R':>8}{'flag F1':>9}"]
    for name, q in rows:
        f = q["flag"]
        lines.append(f"{name:<22}{q['macro_f1_frequent']:>20.3f}{q['macro_f1']:>14.3f}"
                     f"{f['precision']:>8.3f}{f['recall']:>8.3f}{f['f1']:>9.3f}")
    return "\n".join(lines)


def format_versions(data: Path, a: tuple[str, dict], b: tuple[str, dict]) -> str:
    """Two model versions' figures on the same file, with the change from the first to the second."""
    (name_a, qa), (name_b, qb) = a, b
    rows = [(f"{t} F1", qa["per_tone"][t]["f1"], qb["per_tone"][t]["f1"]) for t in TONES]
    rows += [("macro-F1 (frequent)", qa["macro_f1_frequent"], qb["macro_f1_frequent"]),
             ("macro-F1 (5 tones)", qa["macro_f1"], qb["macro_f1"]),
             ("flag F1", qa["flag"]["f1"], qb["flag"]["f1"]),
             ("calibration error", qa["calibration_error"]["all"], qb["calibration_error"]["all"])]
    lines = [f"two model versions on {data}:", f"{'':<22}{name_a[-24:]:>26}{name_b[-24:]:>26}{'change':>9}"]
    lines += [f"{label:<22}{x:>26.3f}{y:>26.3f}{y - x:>+9.3f}" for label, x, y in rows]
    return "\n".join(lines)


def format_mistakes(mistakes: list[dict]) -> str:
    lines = [f"worst {len(mistakes)} mistakes (most confident first):"]
    for m in mistakes:
        lines.append(f"- {m['where']}  gold {m['gold'] or ['neutral']}  predicted {m['predicted'] or ['neutral']}")
        if m["context"]:
            lines.append(f"    customer: {m['context'][-120:]}")
        lines.append(f"    reply:    {m['reply'][:160]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a labeled JSONL file (or folder of them)")
    parser.add_argument("--model", type=Path, default=Path("models/current"), help="a model directory")
    parser.add_argument("--compare", type=Path, help="a second model directory to compare on the same file")
    parser.add_argument("--worst", type=int, default=15, help="how many of the worst mistakes to list")
    parser.add_argument("--no-context", action="store_true", help="ignore the customer's messages")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--no-peers", action="store_true", help="skip the keyword-rule and SnowNLP peers")
    parser.add_argument("--plots", type=Path, help="write reliability.png and precision_recall.png for this file here")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.model)
        other = load_model(args.compare) if args.compare else None
        examples = read_examples(args.data)
    except (ModelLoadError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    figures, probabilities = evaluate(model, examples, use_context=not args.no_context)
    mistakes = worst_mistakes(model, examples, probabilities, args.worst)
    print(format_quality(figures, f"model {model.version} on {args.data}{' (context ignored)' if args.no_context else ''}:"))
    print(f"expected calibration error {figures['calibration_error']['all']:.4f} "
          f"({', '.join(f'{t} {v:.3f}' for t, v in figures['calibration_error']['per_tone'].items())})")
    behaviour = run_checklist(model)
    print(format_checklist(behaviour))
    others = [] if args.no_peers else peer_figures(examples)
    print()
    print(format_comparison([(f"model {model.version[-8:]}", figures), *others]))
    print()
    print(format_mistakes(mistakes))
    if other is not None:
        print()
        print(format_versions(args.data, (model.version, figures), (other.version, evaluate(other, examples)[0])))
    if args.plots:
        args.plots.mkdir(parents=True, exist_ok=True)
        y = label_matrix(examples)
        reliability_diagram(y, probabilities, args.plots / "reliability.png", f"{model.version} on {args.data.name}")
        precision_recall_curves(y, probabilities, args.plots / "precision_recall.png",
                                f"{model.version} on {args.data.name}", model.thresholds)
        print(f"wrote {args.plots}/reliability.png and precision_recall.png")
    if args.json:
        args.json.write_text(json.dumps({"model": model.version, "data": str(args.data), **figures,
                                         "peers": dict(others), "behaviour_suite": behaviour, "worst": mistakes},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
