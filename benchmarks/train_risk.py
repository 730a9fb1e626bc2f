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

The lexicon features are cross-fitted too (see scripts/build_lexicon.py): each training sentence
of fold k (`build_lexicon.fold_of` its source sentence, in en-ru-train and ru-en-train) gets its lexicon support
and its adequacy flags from a lexicon learnt without fold k (cached under `.cache/lexicon/`), so
the model learns how much that support is worth on text the lexicon never saw, as on the dev sets
and in the product. `--rounds` / `--rate` / `--leaves` set the ru/uk word model's trees and
`--en-rounds` / `--en-rate` the English one's, chosen by the out-of-fold MCC on the training files:
on the ru side 400 rounds at rate 0.05 (0.098; 0.103 once the neighbours' Latin-word features
were added) against 150 at 0.1 (0.095); trees of 15 or 63
leaves, stronger L2 with feature sampling, feature sampling alone or class weights were no better
(0.079-0.091 against 0.084 for 150 at 0.1, measured before the Latin-word features). On the
English side 400 at 0.05 gave 0.306 against 0.303: too little for 2.7 times the trees in the
shipped file, so it keeps 150 at 0.1. A stacked second pass (the first pass's out-of-fold
probabilities of the +-2 neighbours and the sentence's mean/max as features) raised the
out-of-fold MCC from 0.084 to 0.092 but halved the words it flags on the en-ru dev set, lowering
its MCC (0.24 -> 0.18-0.21, its precision-recall too): not used. The ru/uk word model is three
boosters of consecutive seeds with their log-odds averaged (`--seeds`): single trainings of seeds 7
and 8 gave 0.241 and 0.238 on the en-ru dev set with thresholds 0.27 and 0.21, the ensemble 0.242
with the best ranking (AUC 0.646 against 0.643, out-of-fold MCC 0.103 against 0.098).
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
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import build_lexicon  # noqa: E402
import qe_data  # noqa: E402

from workbench import lexicon  # noqa: E402
from workbench.flags import adequacy, risk  # noqa: E402

LEX_FOLDS = 4
LEX_CACHE = qe_data.ROOT / ".cache" / "lexicon"

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
            leaves: int = 31, rate: float = PARAMS["learning_rate"], seed: int | None = None) -> lgb.Booster:
    params = dict(PARAMS, num_leaves=leaves, learning_rate=rate, objective="cross_entropy" if soft else "binary")
    if seed is not None:
        params["seed"] = seed
    # our names hold ":" (JSON-special for LightGBM): the booster sees columns, the JSON keeps the names
    del names
    return lgb.train(params, lgb.Dataset(x, y, free_raw_data=False), num_boost_round=rounds)


def fit_words(rows: list[dict[str, float]], y: np.ndarray, groups: np.ndarray, *, rounds: int = 400,
              leaves: int = 31, rate: float = 0.05, seeds: int = 1) -> tuple[risk.Trees, np.ndarray]:
    """Trees for words, their decision threshold from out-of-fold predictions, and those predictions.

    Two folds by source sentence (`groups`: a sentence read alone and with its English, and every
    system's MT of one English source, stay in one fold): each half is predicted by a model that
    never saw it nor its source, so the threshold and the segment models downstream
    are fitted on honest probabilities. With `seeds` > 1 every model is that many boosters of
    consecutive seeds whose log-odds are averaged (as `risk.Trees` predicts).
    """
    x, names = matrix(rows)
    base = int(PARAMS["seed"])

    def ensemble(fit: np.ndarray) -> list[lgb.Booster]:
        return [booster(x[fit], y[fit], names, rounds=rounds, leaves=leaves, rate=rate, seed=base + j)
                for j in range(seeds)]

    oof = np.zeros(len(y))
    fold = groups % 2
    for k in (0, 1):
        print(f"    fold {k}: {len(y)} words, {seeds} seed(s)", file=sys.stderr, flush=True)
        logit = np.mean([m.predict(x[fold == k], raw_score=True) for m in ensemble(fold != k)], axis=0)
        oof[fold == k] = 1 / (1 + np.exp(-logit))
    best = max(((matthews_corrcoef(y, oof >= t), t) for t in np.arange(0.05, 0.8, 0.01)), key=lambda a: a[0])
    print(f"    out-of-fold MCC {best[0]:.3f} at threshold {best[1]:.2f} (curve: "
          + " ".join(f"{t:.2f}:{matthews_corrcoef(y, oof >= t):.3f}" for t in np.arange(0.1, 0.5, 0.04)) + ")",
          file=sys.stderr)
    final = [risk.compact_text(m.model_to_string()) for m in ensemble(np.ones(len(y), bool))]
    return risk.Trees(final[0], names, round(float(best[1]), 3), support_of(x, names), final[1:]), oof


def fit_segments(rows: list[dict[str, float]], y: np.ndarray, *, soft: bool) -> risk.Trees:
    x, names = matrix(rows)
    m = booster(x, y, names, rounds=150, soft=soft, leaves=15)
    return risk.Trees(risk.compact_text(m.model_to_string()), names, 0.5, support_of(x, names))


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
    return risk.Trees(risk.compact_text(m.model_to_string()), names, 0.5, support_of(x[fit], names))


class FoldLexicons:
    """The cross-fitted lexicons: `use(k)` makes the product read the lexicon learnt without fold k."""

    def __init__(self, data: Path) -> None:
        self.dirs = [build_lexicon.fold_lexicon(data, k, LEX_FOLDS, LEX_CACHE) for k in range(LEX_FOLDS)]
        self.shipped = lexicon.DATA_DIR

    def use(self, k: int | None) -> None:
        # the product finds its lexicon through lexicon.DATA_DIR; training points it at a fold's file
        lexicon.DATA_DIR = self.shipped if k is None else self.dirs[k]
        risk._lexicon.cache_clear()

    def adequacy_flags(self, name: str, items: list[qe_data.Item], flags: dict) -> None:
        """Replace the adequacy flags of `items` by those the fold lexicons give (by `source_of`)."""
        prefix = adequacy.__name__.rsplit(".", 1)[1] + "."
        for k in range(LEX_FOLDS):
            mine = [it for it in items if build_lexicon.fold_of(source_of(it), LEX_FOLDS) == k]
            self.use(k)
            found = qe_data.flags_for(f"{name}-lex{self.dirs[k].name}", qe_data.singles(mine, name),
                                      families=(adequacy,))
            for it in mine:
                flags[it.sid] = [r for r in flags[it.sid] if not r.flag.detector.startswith(prefix)] + found[it.sid]
        self.use(None)


def source_of(it: qe_data.Item) -> str:
    """The source sentence a training item's folds go by: the English original of en-ru-train (the
    same for its read-alone copy), the Russian source of ru-en-train."""
    return str(it.meta.get("source", it.english if it.src_tags is not None else it.text))


def word_rows(items: list[qe_data.Item], flags: dict, side: str, lex: FoldLexicons | None = None,
              fold_of: list[int] | None = None) -> tuple[list[dict[str, float]], list[bool]]:
    """Word features and tags of `items`, in order; item i reads the lexicon of fold `fold_of[i]`."""
    per: list[list[dict[str, float]]] = [[] for _ in items]
    labels: list[bool] = []
    order = sorted(range(len(items)), key=lambda i: fold_of[i] if fold_of else 0)
    current: int | None = None
    for i in order:
        it = items[i]
        if lex is not None and fold_of is not None and fold_of[i] != current:
            current = fold_of[i]
            lex.use(current)
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
        per[i] = feats
    if lex is not None:
        lex.use(None)
    rows: list[dict[str, float]] = []
    for it, feats in zip(items, per, strict=True):
        rows += feats
        labels += (it.src_tags if side == "source" else it.tgt_tags) or []
    return rows, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, default=risk.MODEL_FILE)
    parser.add_argument("--rounds", type=int, default=400, help="boosting rounds of the ru/uk word model")
    parser.add_argument("--rate", type=float, default=0.05, help="learning rate of the ru/uk word model")
    parser.add_argument("--en-rounds", type=int, default=150, help="boosting rounds of the English word model")
    parser.add_argument("--en-rate", type=float, default=0.1, help="learning rate of the English word model")
    parser.add_argument("--leaves", type=int, default=31, help="leaves per tree of the word models")
    parser.add_argument("--words-only", action="store_true", help="fit the word models only (no file written)")
    parser.add_argument("--dump-segments", type=Path, help="also pickle the segment models' training rows and labels "
                        "here (for experiments with the segment model)")
    parser.add_argument("--seeds", type=int, default=3,
                        help="boosters (consecutive seeds, log-odds averaged) in the ru/uk word model")
    parser.add_argument("--seed", type=int, default=PARAMS["seed"],
                        help="LightGBM's seed (row and feature sampling): trainings differ by about 0.01 MCC")
    args = parser.parse_args()
    PARAMS["seed"] = args.seed
    d = args.data
    alone = qe_data.en_ru(d, "train", with_english=False)
    with_en = qe_data.en_ru(d, "train", with_english=True)
    ruen = qe_data.ru_en(d, "train")
    flags = {}
    for name, items in (("enru-train-alone", alone), ("enru-train-english", with_en), ("ruen-train", ruen)):
        flags.update(qe_data.flags_for(name, qe_data.singles(items, name)))
    lex = FoldLexicons(d)
    lex.adequacy_flags("enru-train-english", with_en, flags)
    lex.adequacy_flags("ruen-train", ruen, flags)

    print("source words (en-ru-train, alone and with the English)", file=sys.stderr)
    src_items = alone + with_en
    for a, e in zip(alone, with_en, strict=True):  # the read-alone copy folds with its English original
        a.meta["source"] = e.meta["source"] = e.english
    folds = [build_lexicon.fold_of(source_of(it), LEX_FOLDS) for it in src_items]
    rows, y = word_rows(src_items, flags, "source", lex, folds)
    groups = np.concatenate([np.full(len(it.src_tags or []), f) for it, f in zip(src_items, folds, strict=True)])
    source, src_oof = fit_words(rows, np.array(y), groups, rounds=args.rounds, leaves=args.leaves, rate=args.rate,
                                seeds=args.seeds)
    print("English words (ru-en-train)", file=sys.stderr)
    folds = [build_lexicon.fold_of(source_of(it), LEX_FOLDS) for it in ruen]
    rows, y = word_rows(ruen, flags, "target", lex, folds)
    groups = np.concatenate([np.full(len(it.tgt_tags or []), f) for it, f in zip(ruen, folds, strict=True)])
    target, tgt_oof = fit_words(rows, np.array(y), groups, rounds=args.en_rounds, leaves=args.leaves,
                                rate=args.en_rate)
    if args.words_only:
        return
    model = risk.RiskModel(source, target, source, source)

    def seg_rows(items: list[qe_data.Item], oof: np.ndarray, side: str, offset: int = 0,
                 mt_side: str = "target", versions: dict[str, list[str]] | None = None
                 ) -> list[dict[str, float]]:
        """Segment features from the out-of-fold word probabilities (the end token left out); each
        item reads the lexicon learnt without its fold, as its word features did."""
        starts, at = [], offset
        for it in items:  # an item's words (and end token) are one row each, one tag each
            starts.append(at)
            at += len((it.src_tags if side == "source" else it.tgt_tags) or [])
        folds = [build_lexicon.fold_of(source_of(it), LEX_FOLDS) for it in items]
        out: list[dict[str, float]] = [{} for _ in items]
        for i in sorted(range(len(items)), key=lambda i: folds[i]):
            it = items[i]
            lex.use(folds[i])
            src = [r for r in flags[it.sid] if r.flag.side == "source" and r.flag.detector not in risk.OWN]
            tgt = [r for r in flags[it.sid] if r.flag.side == "target" and r.flag.detector not in risk.OWN]
            est, _, _ = risk.score_segment(it.sid, it.text, it.lang, it.english, flags[it.sid], model)
            n = len(est.source_words if side == "source" else est.target_words)
            ps = list(oof[starts[i]:starts[i] + n])
            if side == "source":
                est.source_p = ps
            else:
                est.target_p = ps
            out[i] = risk.segment_features(est, src, tgt, it.text, it.english, model, lang=it.lang,
                                           mt_side=mt_side, versions=(versions or {}).get(it.sid, ()))
        lex.use(None)
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
    if args.dump_segments:
        import pickle
        with args.dump_segments.open("wb") as fh:
            pickle.dump({"ruen": (ruen_rows, ruen_y, np.arange(len(ruen))), "enru": (enru_rows, enru_y, enru_groups)},
                        fh)
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
