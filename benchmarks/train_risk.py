"""Fit the calibrated risk model (`workbench/data/risk_model.json`) on the public training files only.

    python benchmarks/train_risk.py ../shared/qe [--out workbench/data/risk_model.json]

- words of the ru/uk side: WMT22 QE `en-ru-train-2021-news` (Russian MT tagged from MQM), read
  alone and again with its English original, so the model knows both cases;
- words of the English: `ru-en-train` (English MT of Russian, tags from post-edits);
- segments read alone: P(a tagged error) on `en-ru-train`; segments with an English: the share
  of words needing an edit (soft labels), from the post-edit HTER of `ru-en-train` and/or the share
  of MQM-tagged words of `en-ru-train` (news, the other direction, read through role-named
  features), the choice made by cross-validation within these training files (printed).

Gradient-boosted trees (LightGBM; the product reads their text form from the JSON) over the
features of `workbench.flags.risk`. The word models are cross-fitted in two folds by sentence:
the decision threshold (maximum MCC) and the segment models are fitted on out-of-fold word
probabilities. The dev and test sets are never read here.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import lightgbm as lgb
import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.metrics import matthews_corrcoef

sys.path.insert(0, str(Path(__file__).resolve().parent))

import qe_data  # noqa: E402

from workbench.flags import risk  # noqa: E402

PARAMS = {"objective": "binary", "learning_rate": 0.1, "num_leaves": 31, "min_data_in_leaf": 200,
          "feature_fraction": 0.8, "bagging_fraction": 0.7, "bagging_freq": 1, "lambda_l2": 1.0, "max_bin": 63,
          "verbose": -1, "num_threads": 2, "seed": 7}


def matrix(rows: list[dict[str, float]]):
    vec = DictVectorizer(sparse=True, dtype=np.float32)
    x = vec.fit_transform(rows).tocsr()
    return x, [str(n) for n in vec.get_feature_names_out()]


def support_of(x, names: list[str]) -> dict[str, int]:
    return {n: int(k) for n, k in zip(names, np.asarray((x != 0).sum(axis=0)).ravel(), strict=True)}


def booster(x, y: np.ndarray, names: list[str], *, rounds: int, soft: bool = False,
            leaves: int = 31) -> lgb.Booster:
    params = dict(PARAMS, num_leaves=leaves, objective="cross_entropy" if soft else "binary")
    # our names hold ":" (JSON-special for LightGBM): the booster sees columns, the JSON keeps the names
    del names
    return lgb.train(params, lgb.Dataset(x, y, free_raw_data=False), num_boost_round=rounds)


def fit_words(rows: list[dict[str, float]], y: np.ndarray, groups: np.ndarray, *, rounds: int = 150
              ) -> tuple[risk.Trees, np.ndarray]:
    """Trees for words, their decision threshold from out-of-fold predictions, and those predictions.

    Two folds by sentence (a sentence read alone and with its English stay in one fold): each half
    is predicted by a model that never saw it, so the threshold and the segment models downstream
    are fitted on honest probabilities.
    """
    x, names = matrix(rows)
    oof = np.zeros(len(y))
    fold = groups % 2
    for k in (0, 1):
        print(f"    fold {k}: {len(y)} words", file=sys.stderr, flush=True)
        m = booster(x[fold != k], y[fold != k], names, rounds=rounds)
        oof[fold == k] = m.predict(x[fold == k])
    best = max(((matthews_corrcoef(y, oof >= t), t) for t in np.arange(0.05, 0.8, 0.01)), key=lambda a: a[0])
    print(f"    out-of-fold MCC {best[0]:.3f} at threshold {best[1]:.2f}", file=sys.stderr)
    final = booster(x, y, names, rounds=rounds)
    return risk.Trees(final.model_to_string(), names, round(float(best[1]), 3), support_of(x, names)), oof


def fit_segments(rows: list[dict[str, float]], y: np.ndarray, *, soft: bool) -> risk.Trees:
    x, names = matrix(rows)
    m = booster(x, y, names, rounds=150, soft=soft, leaves=15)
    return risk.Trees(m.model_to_string(), names, 0.5, support_of(x, names))


SEGMENT_CHOICES = ("ru-en HTER", "en-ru news BAD share", "both")


def choose_segment_english(ruen_rows: list[dict[str, float]], ruen_y: np.ndarray, ruen_groups: np.ndarray,
                           enru_rows: list[dict[str, float]], enru_y: np.ndarray, enru_groups: np.ndarray
                           ) -> risk.Trees:
    """The model of segments with an English, its training set chosen by 5-fold cross-validation on
    the training files alone: Kendall tau against each set's label (held-out folds of a set trained
    on; the whole set when it was not), averaged over the two sets; then refitted on the chosen set.

    Both labels are a share of words needing an edit (HTER; share of MQM-tagged words), so the soft
    cross-entropy keeps the output a calibrated share; each set weighs the same in "both".
    """
    from scipy.stats import kendalltau

    rows = ruen_rows + enru_rows
    x, names = matrix(rows)
    y = np.concatenate([ruen_y, enru_y])
    which = np.concatenate([np.zeros(len(ruen_y), int), np.ones(len(enru_y), int)])
    fold = np.concatenate([ruen_groups % 5, enru_groups % 5])
    weight = np.where(which == 0, 0.5 / len(ruen_y), 0.5 / len(enru_y)) * len(y)
    use = {"ru-en HTER": which == 0, "en-ru news BAD share": which == 1, "both": np.ones(len(y), bool)}
    scores: dict[str, float] = {}
    for choice in SEGMENT_CHOICES:
        pred = np.zeros(len(y))
        for k in range(5):
            fit = use[choice] & (fold != k)
            m = lgb.train(dict(PARAMS, num_leaves=15, objective="cross_entropy"),
                          lgb.Dataset(x[fit], y[fit], weight=weight[fit]), num_boost_round=150)
            # each row is predicted once, by a model that never saw it (the other set: never seen at all)
            pred[fold == k] = m.predict(x[fold == k])
        taus = [float(kendalltau(pred[which == s], y[which == s]).statistic) for s in (0, 1)]
        scores[choice] = sum(taus) / 2
        print(f"    {choice:<22} cross-validated Kendall: ru-en {taus[0]:.3f}, en-ru news {taus[1]:.3f}",
              file=sys.stderr)
    best = max(SEGMENT_CHOICES, key=lambda c: scores[c])
    print(f"    chosen: {best}", file=sys.stderr)
    fit = use[best]
    m = lgb.train(dict(PARAMS, num_leaves=15, objective="cross_entropy"),
                  lgb.Dataset(x[fit], y[fit], weight=weight[fit]), num_boost_round=150)
    return risk.Trees(m.model_to_string(), names, 0.5, support_of(x[fit], names))


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
    src_items = alone + with_en
    rows, y = word_rows(src_items, flags, "source")
    groups = np.concatenate([np.full(len(it.src_tags or []), i % len(alone)) for i, it in enumerate(src_items)])
    source, src_oof = fit_words(rows, np.array(y), groups)
    print("English words (ru-en-train)", file=sys.stderr)
    rows, y = word_rows(ruen, flags, "target")
    groups = np.concatenate([np.full(len(it.tgt_tags or []), i) for i, it in enumerate(ruen)])
    target, tgt_oof = fit_words(rows, np.array(y), groups)
    model = risk.RiskModel(source, target, source, source)

    def seg_rows(items: list[qe_data.Item], oof: np.ndarray, side: str, offset: int = 0,
                 mt_side: str = "target", versions: dict[str, list[str]] | None = None
                 ) -> list[dict[str, float]]:
        """Segment features from the out-of-fold word probabilities (the end token left out)."""
        out, at = [], offset
        for it in items:
            src = [r for r in flags[it.sid] if r.flag.side == "source" and r.flag.detector not in risk.OWN]
            tgt = [r for r in flags[it.sid] if r.flag.side == "target" and r.flag.detector not in risk.OWN]
            est, _, _ = risk.score_segment(it.sid, it.text, it.lang, it.english, flags[it.sid], model)
            n = len(est.source_words if side == "source" else est.target_words)
            if side == "source":
                est.source_p = list(oof[at:at + n])
            else:
                est.target_p = list(oof[at:at + n])
            at += n + 1
            out.append(risk.segment_features(est, src, tgt, it.text, it.english, model, lang=it.lang,
                                             mt_side=mt_side, versions=(versions or {}).get(it.sid, ())))
        return out

    print("segments read alone (en-ru-train: any tagged error)", file=sys.stderr)
    model.segment_alone = fit_segments(seg_rows(alone, src_oof, "source"),
                                       np.array([any(it.src_tags or []) for it in alone], dtype=float), soft=False)
    print("segments with an English (ru-en-train HTER; en-ru-train share of BAD words)", file=sys.stderr)
    ruen_rows = [risk.role_features(r) for r in seg_rows(ruen, tgt_oof, "target")]
    ruen_y = np.array([min(1.0, max(0.0, it.hter or 0.0)) for it in ruen])
    skip = sum(len(it.src_tags or []) for it in alone)  # the out-of-fold probabilities of the read-alone half
    # en-ru-train holds 16 systems' Russian of each English: the others are a segment's other versions
    same: dict[str, list[qe_data.Item]] = {}
    for it in with_en:
        same.setdefault(it.english, []).append(it)
    versions = {it.sid: [o.text for o in same[it.english] if o is not it] for it in with_en}
    enru_rows = [risk.role_features(r) for r in seg_rows(with_en, src_oof, "source", offset=skip,
                                                          mt_side="source", versions=versions)]
    enru_y = np.array([sum(it.src_tags or []) / max(1, len(it.src_tags or [])) for it in with_en])
    # en-ru-train holds several systems' Russian of one English: its folds keep a source together
    enru_groups = np.array([zlib.crc32(it.english.encode()) for it in with_en])
    model.segment_english = choose_segment_english(ruen_rows, ruen_y, np.arange(len(ruen)), enru_rows, enru_y,
                                                   enru_groups)
    model.trained_on = ("LightGBM on WMT22 QE en-ru-train-2021-news (word tags, alone and with the English; "
                        "share of tagged words), ru-en-train (word tags, HTER); check families: " + ", ".join(sorted(
                            {k[2:] for k in source.features + target.features if k.startswith("f:")})))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    import json
    args.out.write_text(json.dumps(model.as_json(), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KiB; thresholds: source {source.threshold}, "
          f"English {target.threshold}; {len(source.features)} source, {len(target.features)} English features)")


if __name__ == "__main__":
    main()
