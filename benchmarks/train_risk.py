"""Fit the calibrated risk model (`workbench/data/risk_model.json`) on the public training files only.

    python benchmarks/train_risk.py ../shared/qe [--out workbench/data/risk_model.json]

- words of the ru/uk side: WMT22 QE `en-ru-train-2021-news` (Russian MT tagged from MQM), read
  alone and again with its English original, so the model knows both cases;
- words of the English: `ru-en-train` (English MT of Russian, tags from post-edits);
- segments read alone: P(a tagged error) on `en-ru-train`; segments with an English: the
  post-edit HTER of `ru-en-train` (soft labels: each row weighted HTER as wrong, 1-HTER as right).

Logistic regression (scikit-learn) over the features of `workbench.flags.risk`; the decision
threshold for the word flags is the one that maximizes MCC on the training words. The dev and
test sets are never read here.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import matthews_corrcoef

sys.path.insert(0, str(Path(__file__).resolve().parent))

import qe_data  # noqa: E402

from workbench.flags import risk  # noqa: E402


def fit(rows: list[dict[str, float]], y: np.ndarray, weight: np.ndarray | None = None, *, c: float = 1.0,
        tune: bool = True) -> risk.Logistic:
    vec = DictVectorizer(sparse=True)
    x = vec.fit_transform([{k: v for k, v in r.items() if k != "bias"} for r in rows])
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, y, sample_weight=weight)
    names = vec.get_feature_names_out()
    coef = {str(n): round(float(w), 5) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) > 1e-6}
    coef["bias"] = round(float(model.intercept_[0]), 5)
    nonzero = np.asarray((x != 0).sum(axis=0)).ravel()
    support = {str(n): int(k) for n, k in zip(names, nonzero, strict=True)}
    out = risk.Logistic(coef, 0.5, support)
    if tune:
        p = model.predict_proba(x)[:, 1]
        best = max(((matthews_corrcoef(y, p >= t), t) for t in np.arange(0.05, 0.8, 0.01)), key=lambda a: a[0])
        out.threshold = round(float(best[1]), 3)
        print(f"    training MCC {best[0]:.3f} at threshold {out.threshold}", file=sys.stderr)
    return out


def word_rows(items: list[qe_data.Item], flags: dict, side: str) -> tuple[list[dict[str, float]], list[bool]]:
    rows: list[dict[str, float]] = []
    labels: list[bool] = []
    for it in items:
        raw = [r for r in flags[it.sid] if r.flag.side == side and r.flag.detector not in risk.OWN]
        if side == "source":
            feats = risk.word_features(it.text, it.lang, raw, other=it.english, other_lang="en", side="source",
                                       eos=True)
            tags = it.src_tags
        else:
            feats = risk.word_features(it.english, "en", raw, other=it.text, other_lang=it.lang, side="target",
                                       eos=True)
            tags = it.tgt_tags
        if tags is None or len(tags) != len(feats):
            raise SystemExit(f"{it.sid}: {len(feats)} words but {len(tags or [])} tags")
        rows += feats
        labels += tags
    return rows, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, default=risk.MODEL_FILE)
    args = parser.parse_args()
    d = args.data
    alone = qe_data.en_ru(d, "train", with_english=False)
    with_en = qe_data.en_ru(d, "train", with_english=True)
    ruen = qe_data.ru_en(d, "train")
    flags = {}
    for name, items in (("enru-train-alone", alone), ("enru-train-english", with_en), ("ruen-train", ruen)):
        flags.update(qe_data.flags_for(name, qe_data.singles(items, name)))

    print("source words (en-ru-train, alone and with the English)", file=sys.stderr)
    rows, y = word_rows(alone + with_en, flags, "source")
    source = fit(rows, np.array(y))
    print("English words (ru-en-train)", file=sys.stderr)
    rows, y = word_rows(ruen, flags, "target")
    target = fit(rows, np.array(y))

    blank = risk.Logistic({"bias": 0.0})
    model = risk.RiskModel(source, target, blank, blank)

    def seg_rows(items: list[qe_data.Item]) -> list[dict[str, float]]:
        out = []
        for it in items:
            est, _, _ = risk.score_segment(it.sid, it.text, it.lang, it.english, flags[it.sid], model)
            src = [r for r in flags[it.sid] if r.flag.side == "source" and r.flag.detector not in risk.OWN]
            tgt = [r for r in flags[it.sid] if r.flag.side == "target" and r.flag.detector not in risk.OWN]
            out.append(risk.segment_features(est, src, tgt, it.text, it.english, model))
        return out

    print("segments read alone (en-ru-train: any tagged error)", file=sys.stderr)
    model.segment_alone = fit(seg_rows(alone), np.array([any(it.src_tags) for it in alone]), tune=False)
    print("segments with an English (ru-en-train: HTER)", file=sys.stderr)
    rows = seg_rows(ruen)
    h = np.array([min(1.0, max(0.0, it.hter or 0.0)) for it in ruen])
    model.segment_english = fit(rows + rows, np.r_[np.ones(len(rows)), np.zeros(len(rows))],
                                np.r_[h, 1 - h] + 1e-6, tune=False)
    model.trained_on = ("WMT22 QE en-ru-train-2021-news (word tags, alone and with the English), "
                        "ru-en-train (word tags, HTER); features: " + ", ".join(sorted(
                            {k.split(":", 1)[1].split(".", 1)[0] for k in source.coef if k.startswith("f:")})))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    import json
    args.out.write_text(json.dumps(model.as_json(), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KiB; thresholds: source {source.threshold}, "
          f"English {target.threshold}; {math.fsum(1 for _ in source.coef)} source features)")


if __name__ == "__main__":
    main()
