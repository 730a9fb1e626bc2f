"""Quality estimation measured on public human-annotated data: how well the flags find real MT errors.

    python benchmarks/qe_eval.py DIR        # DIR = ../shared/qe (see its README)

Runs the product's flagging (`workbench.flags`: every check family, then the calibrated risk
model) over the public sets and prints, with baselines from the same run (all-OK, random at the
base rate; for segments also sentence chrF against a human reference, a reference-based ceiling
the product cannot use, and length alone):

- word level, ru side: MCC and precision/recall of BAD on WMT22 QE en-ru-dev-2022, the Russian
  read alone and again with its English original supplied;
- word level, English side: MCC on WMT22 QE ru-en-dev and ru-en-test20;
- segment level: Kendall tau of -risk against DA z on every WMT news set into English with DA
  under DIR (`*/*.LANG-en.all.xml` beside `ad-seg-scores-LANG-en.csv`, LANG ru or uk; in
  ../shared/qe WMT21 ru->en, ten systems; documents from the xml; SID read in the document order
  that puts the scores on whole documents), and WMT's DARR Kendall (pairs of outputs of one source whose raw DA differ by
  more than 25); each segment feature alone as a diagnostic, and the agreement of one system's
  English with the other nine (what several engines' English of a segment would tell);
- flags per 100 segments on human Russian (WMT21 en-ru refs A and B) against nine systems' Russian
  of the same English, with the ratio and a bootstrap 95 % interval; error-level flags per 100
  human sentences; the MQM annotators' own ratio on the same sentences (en-ru-train-2021-news
  annotates these files, references included: what a perfect detector would show);
- each figure per check family (that family's flags alone), to see which family earns its place.

The last line is one summary. The risk model must have been trained first (`train_risk.py`);
the checks' flags are cached under `.cache/qe/`. Not part of the test suite (minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sacrebleu.metrics import CHRF
from scipy.stats import kendalltau
from sklearn.metrics import matthews_corrcoef, precision_score, recall_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

import qe_data  # noqa: E402

from workbench.flags import CHECKS, score_flags  # noqa: E402
from workbench.flags import risk as risk_mod  # noqa: E402

RNG_SEED = 13


def families() -> list[str]:
    return sorted({c.family for c in CHECKS.values() if c.name not in risk_mod.OWN})


class Run:
    """The product's output over a set of documents: flags, word probabilities, segment risks."""

    def __init__(self, name: str, docs: list[qe_data.Doc]) -> None:
        self.raw = qe_data.flags_for(name, docs)
        self.model, why = risk_mod.load_model()
        if self.model is None:
            raise SystemExit(why)
        self.flags: dict[str, list] = defaultdict(list)
        self.estimates: dict[str, risk_mod.Estimate] = {}
        self.eos: dict[str, tuple[float | None, float | None]] = {}
        self.items = {it.sid: it for d in docs for it in d.items}
        levels = qe_data.levels()
        for doc in docs:
            view = qe_data.view_of(doc)
            raw = [r for it in doc.items for r in self.raw[it.sid]]
            flags, _notes, estimates = score_flags(view, raw, [], levels)
            for f in flags:
                self.flags[f.segment_id].append(f)
            for e in estimates:
                self.estimates[e.segment_id] = e
        for sid, it in self.items.items():
            if it.src_tags is not None or it.tgt_tags is not None:
                _, s, t = risk_mod.score_segment(sid, it.text, it.lang, it.english, self.raw[sid], self.model,
                                                 eos=True)
                self.eos[sid] = (s, t)

    def word_scores(self, side: str) -> tuple[list[bool], list[float], dict[str, list[bool]], list[bool]]:
        """Gold tags, model probabilities, each family's flags alone and all rules alone, per word."""
        gold: list[bool] = []
        prob: list[float] = []
        fam: dict[str, list[bool]] = {f: [] for f in families()}
        rules: list[bool] = []
        for sid, it in self.items.items():
            tags = it.src_tags if side == "source" else it.tgt_tags
            if tags is None:
                continue
            est = self.estimates[sid]
            spans, ps = (est.source_words, est.source_p) if side == "source" else (est.target_words, est.target_p)
            gold += tags
            prob += ps + [self.eos[sid][0 if side == "source" else 1] or 0.0]
            raw = [r.flag for r in self.raw[sid] if r.flag.side == side]
            for s, e in spans + [(10**9, 10**9 + 1)]:  # the end token: no rule points at it
                hit = {f.detector.split(".", 1)[0] for f in raw if f.start < e and f.end > s}
                for f in fam:
                    fam[f].append(f in hit)
                rules.append(bool(hit))
        return gold, prob, fam, rules


def word_report(title: str, run: Run, side: str, rng: random.Random) -> float:
    gold, prob, fam, rules = run.word_scores(side)
    y = np.array(gold)
    thr = (run.model.source if side == "source" else run.model.target).threshold
    pred = np.array(prob) >= thr
    base = y.mean()
    rand = np.array([rng.random() < base for _ in y])

    def line(label: str, p: np.ndarray) -> str:
        if not p.any():
            return f"    {label:<34} MCC  0.000  P(BAD) -      R(BAD) 0.000  (flags no word)"
        return (f"    {label:<34} MCC {matthews_corrcoef(y, p):6.3f}  P(BAD) {precision_score(y, p, zero_division=0):.3f}"
                f"  R(BAD) {recall_score(y, p):.3f}  ({p.mean() * 100:.1f} % of words)")

    print(f"  {title}: {len(y)} words, {base * 100:.1f} % BAD")
    mcc = matthews_corrcoef(y, pred)
    print(line(f"product (risk model, p >= {thr:.2f})", pred))
    print(line("rules alone (any flag on the word)", np.array(rules)))
    print(line("baseline all-OK", np.zeros_like(y)))
    print(line("baseline random at the base rate", rand))
    for f, hits in fam.items():
        h = np.array(hits)
        if h.any():
            print(line(f"  family {f} alone", h))
    return mcc


def kendall_darr(risks: dict[tuple[str, int], float], da: dict[tuple[str, int], tuple[float, float]]
                 ) -> tuple[float, float, int]:
    """Kendall tau of -risk against DA z over all scored outputs, and WMT DARR Kendall (ties discordant)."""
    keys = [k for k in da if k in risks]
    tau = kendalltau([-risks[k] for k in keys], [da[k][1] for k in keys]).statistic
    by_sid: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for k in keys:
        by_sid[k[1]].append(k)
    conc = disc = 0
    for ks in by_sid.values():
        for i, a in enumerate(ks):
            for b in ks[i + 1:]:
                if abs(da[a][0] - da[b][0]) <= 25:
                    continue
                better, worse = (a, b) if da[a][0] > da[b][0] else (b, a)
                if risks[better] < risks[worse]:
                    conc += 1
                else:
                    disc += 1
    return float(tau), (conc - disc) / max(1, conc + disc), conc + disc


def segment_report(ns: qe_data.NewsSet, rng: random.Random) -> tuple[float, float]:
    """Kendall and DARR of -risk against DA z over one news set into English, with its baselines
    and diagnostics printed; returns the product's (Kendall, DARR)."""
    result = (float("nan"), float("nan"))
    systems, by_sys, da = ns.systems, ns.by_sys, ns.da
    print(f"\nSEGMENT LEVEL ({ns.label}, DA z; documents from the xml)")
    print("  SID mapping, share of (system, document) pairs scored whole: "
          + "; ".join(f"{k} {v * 100:.0f} %" for k, v in ns.sid_check.items()) + f" -> using {ns.order}")
    risks: dict[tuple[str, int], float] = {}
    fam_risk: dict[str, dict[tuple[str, int], float]] = {f: {} for f in families()}
    old_risk: dict[tuple[str, int], float] = {}
    chrf_risk: dict[tuple[str, int], float] = {}
    len_risk: dict[tuple[str, int], float] = {}
    rand_risk: dict[tuple[str, int], float] = {}
    seg_feats: dict[tuple[str, int], dict[str, float]] = {}
    english: dict[int, dict[str, str]] = defaultdict(dict)
    for sysname in systems:
        for doc in by_sys[sysname]:
            for it in doc.items:
                english[it.meta["sid"]][sysname] = it.english
    versions_risk: dict[tuple[str, int], float] = {}
    chrf = CHRF()
    for sysname in systems:
        run = Run(f"{ns.name}-{sysname}", by_sys[sysname])
        for sid, it in run.items.items():
            key = (sysname, it.meta["sid"])
            risks[key] = run.estimates[sid].risk
            raw = run.raw[sid]
            own = [r for r in raw if r.flag.detector not in risk_mod.OWN]
            src, tgt = [r for r in own if r.flag.side == "source"], [r for r in own if r.flag.side == "target"]
            seg_feats[key] = risk_mod.role_features(risk_mod.segment_features(
                run.estimates[sid], src, tgt, it.text, it.english, run.model, lang=it.lang))
            # the product when the nine other systems' English are stored as other engines' versions
            others = [e for o, e in english[it.meta["sid"]].items() if o != sysname]
            versions_risk[key] = run.model.segment_english.probs([risk_mod.segment_features(
                run.estimates[sid], src, tgt, it.text, it.english, run.model, lang=it.lang, versions=others)])[0]
            for f in fam_risk:
                fam_risk[f][key] = sum(r.confidence for r in raw if r.flag.detector.startswith(f + "."))
            keep = 1.0
            for fl in risk_mod.band_severities(raw):
                keep *= 1 - fl.severity
            old_risk[key] = 1 - keep
            chrf_risk[key] = -chrf.sentence_score(it.english, [it.meta["ref"]]).score
            len_risk[key] = len(it.text)
            rand_risk[key] = rng.random()
    n_scored = sum(1 for k in da if k in risks)
    print(f"  {n_scored} scored outputs of {len(systems)} systems; "
          f"{sum(1 for v in risks.values() if v == 0)} with risk exactly 0, "
          f"{len(set(risks.values()))} distinct risk values")
    rows = [("product risk (model)", risks), ("rules alone (1 - prod(1 - band severity))", old_risk),
            ("ceiling: sentence chrF vs ref A", chrf_risk), ("baseline length of the source", len_risk),
            ("baseline random", rand_risk)]
    rows += [(f"  family {f} alone (sum of confidences)", r) for f, r in fam_risk.items() if any(r.values())]
    # several engines' English of one segment (the product holds them with `import-mt --engine`):
    # a version far from the others is more likely wrong. Measured here, not part of the product risk.
    agree = {k: -np.mean([chrf.sentence_score(english[k[1]][k[0]], [e]).score
                          for o, e in english[k[1]].items() if o != k[0]]) for k in risks}
    others_n = len(systems) - 1
    rows.append((f"other engines: chrF vs the {others_n} other systems", agree))
    rows.append((f"product with the {others_n} others stored as versions", versions_risk))
    # how far a ranking of sentences alone can go: the mean DA the other systems got on the same sentence
    by_sent: dict[int, list[float]] = defaultdict(list)
    for k, v in da.items():
        by_sent[k[1]].append(v[1])
    rows.append(("oracle: other systems' mean DA z, same sentence",
                 {k: -(sum(by_sent[k[1]]) - da[k][1]) / max(1, len(by_sent[k[1]]) - 1) for k in risks if k in da}))
    for label, r in rows:
        tau, darr, pairs = kendall_darr(r, da)
        if label == "product risk (model)":
            result = (tau, darr)
        print(f"    {label:<46} Kendall {tau:6.3f}   DARR Kendall {darr:6.3f} ({pairs} pairs)")
    print("  DARR is negative even for chrF against a human reference: humans' ordering of the systems on one "
          "sentence is not recoverable here, so Kendall over all outputs is mostly between sentences.")
    print("  each segment feature alone (diagnostic only: the segment model's training set and features were "
          "chosen by cross-validation on the training files, never on these figures; each taken as the risk: positive = a larger value goes with a worse DA)")
    for name in sorted({n for f in seg_feats.values() for n in f} - {"bias"}):
        r = {k: f.get(name, 0.0) for k, f in seg_feats.items()}
        if len(set(r.values())) < 2:
            continue
        tau, darr, pairs = kendall_darr(r, da)
        print(f"      {name:<44} Kendall {tau:6.3f}   DARR Kendall {darr:6.3f}")

    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    args = parser.parse_args()
    d = args.data
    started = time.time()
    rng = random.Random(RNG_SEED)
    model, why = risk_mod.load_model()
    if model is None:
        raise SystemExit(f"{why}; run benchmarks/train_risk.py {d} first")
    print(f"risk model: {risk_mod.MODEL_FILE.name} ({model.trained_on})")
    print(f"check families: {', '.join(families())}")
    summary: dict[str, float] = {}

    print("\nWORD LEVEL, ru side (WMT22 QE en-ru-dev-2022, Russian MT, MQM tags)")
    alone = qe_data.en_ru(d, "dev", with_english=False)
    summary["word ru"] = word_report("Russian read alone", Run("enru-dev-alone", qe_data.singles(alone, "a")),
                                     "source", rng)
    with_en = qe_data.en_ru(d, "dev", with_english=True)
    summary["word ru+en"] = word_report("with the English original supplied",
                                        Run("enru-dev-english", qe_data.singles(with_en, "e")), "source", rng)

    print("\nWORD LEVEL, English side (WMT22 QE ru-en, English MT of Russian, tags from post-edits)")
    for split in ("dev", "test20"):
        items = qe_data.ru_en(d, split)
        summary[f"word en {split}"] = word_report(f"ru-en-{split}", Run(f"ruen-{split}", qe_data.singles(
            items, split)), "target", rng)

    segment_sets = qe_data.news_sets(d)
    if not segment_sets:
        raise SystemExit(f"{d}: no news set into English with DA (*/*.ru-en.all.xml beside ad-seg-scores-ru-en.csv)")
    for lang, xml, scores in segment_sets:
        ns = qe_data.news_to_english(xml, scores, lang)
        summary[f"segment tau {lang}"], summary[f"segment darr {lang}"] = segment_report(ns, rng)

    sets = qe_data.wmt21_en_ru(d)
    n_human, n_mt = (sum(k.startswith(kind) for k in sets) for kind in ("human:", "mt:"))
    source = qe_data.en_ru_news_files(d)[0].name.split(".en-ru.")[0] if sets else "-"
    print(f"\nHUMAN vs MT RUSSIAN ({source} en-ru: {n_human} human references vs {n_mt} systems, same English; "
          "Russian read alone)")
    per: dict[str, dict[str, list[float]]] = {}  # set -> measure -> per sentence
    for name, docs in sets.items():
        run = Run(f"enru-news-{name.split(':')[1]}", docs)
        m: dict[str, list[float]] = defaultdict(list)
        for sid in run.items:
            shown = [f for f in run.flags[sid] if not f.is_estimate]
            m["all flags"].append(len(shown))
            m["error level"].append(sum(f.level == "error" for f in shown))
            m["risk"].append(run.estimates[sid].risk if sid in run.estimates else 0.0)
            for f in families() + ["risk"]:
                m[f"family {f}"].append(sum(x.detector.startswith(f + ".") for x in shown
                                            if f != "risk" or x.detector == risk_mod.WORD.name))
        per[name] = m
    human = [k for k in per if k.startswith("human:")]
    mt = [k for k in per if k.startswith("mt:")]
    n = len(per[human[0]]["all flags"])
    boot = np.random.default_rng(RNG_SEED)
    idx = boot.integers(0, n, size=(1000, n))

    def rates(measure: str) -> tuple[float, float, float, float, float]:
        h = np.mean([per[k][measure] for k in human], axis=0)
        t = np.mean([per[k][measure] for k in mt], axis=0)
        hr, tr = h.mean(), t.mean()
        ratios = t[idx].mean(axis=1) / np.maximum(1e-9, h[idx].mean(axis=1))
        lo, hi = np.percentile(ratios, [2.5, 97.5])
        return hr, tr, tr / hr if hr else float("inf"), lo, hi

    print(f"  {n} sentences x {len(human)} human, x {len(mt)} MT")
    for measure in ["all flags"] + [f"family {f}" for f in families() + ["risk"]]:
        hr, tr, ratio, lo, hi = rates(measure)
        if hr == 0 and tr == 0:
            continue
        if measure == "all flags":
            summary["mt/human"] = ratio
        print(f"    {measure:<28} per 100: human {hr * 100:6.1f}  MT {tr * 100:6.1f}  ratio {ratio:5.2f} "
              f"[{lo:.2f}, {hi:.2f}]")
    hr, tr, ratio, lo, hi = rates("risk")
    print(f"    {'mean segment risk':<28} human {hr:.3f}  MT {tr:.3f}  ratio {ratio:5.2f} [{lo:.2f}, {hi:.2f}]")
    err = np.mean([per[k]["error level"] for k in human]) * 100
    summary["errors/100 human"] = err
    by_check: dict[str, int] = defaultdict(int)
    print(f"  error-level flags per 100 human reference sentences: {err:.1f} "
          f"(MT: {np.mean([per[k]['error level'] for k in mt]) * 100:.1f})")
    del by_check
    # what the annotators themselves found: en-ru-train-2021-news is MQM annotation of these same files
    mqm = qe_data.mqm_of_wmt21_en_ru(d)
    lines = {kind: [(name, i, t) for name, tagged in mqm.items() if name.startswith(kind) for i, t in tagged.items()]
             for kind in ("human", "mt")}
    summary["mqm mt/human"] = float("nan")
    if not (lines["human"] and lines["mt"]):
        print("  MQM tags of the same sentences: none matched (the en-ru training file annotates other sentences)")
    else:
        print(f"  MQM tags of the same sentences (en-ru-train-2021-news annotates WMT21 en-ru, references included; "
              f"{len(lines['human'])} human and {len(lines['mt'])} MT lines matched; training data of the risk model):")
        share = {k: np.mean([any(t) for _, _, t in v]) for k, v in lines.items()}
        words = {k: sum(sum(t) for _, _, t in v) / max(1, sum(len(t) for _, _, t in v)) for k, v in lines.items()}
        print(f"    {'annotators: lines with an error':<36} human {share['human'] * 100:5.1f} %  MT {share['mt'] * 100:5.1f} %"
              f"  ratio {share['mt'] / share['human']:5.2f}")
        print(f"    {'annotators: words tagged BAD':<36} human {words['human'] * 100:5.2f} %  MT {words['mt'] * 100:5.2f} %"
              f"  ratio {words['mt'] / words['human']:5.2f}")
        on = {k: np.mean([per[name]["all flags"][i] for name, i, _ in v]) for k, v in lines.items()}
        summary["mqm mt/human"] = share["mt"] / share["human"]
        print(f"    {'product: flags per 100, same lines':<36} human {on['human'] * 100:5.1f}    MT {on['mt'] * 100:5.1f}"
              f"    ratio {on['mt'] / on['human']:5.2f}")
    print(f"\n({time.time() - started:.0f} s)")
    segments = " | ".join(f"segment Kendall {lang}->en {summary[f'segment tau {lang}']:.3f}, DARR "
                          f"{summary[f'segment darr {lang}']:.3f}" for lang, _, _ in segment_sets)
    print(f"SUMMARY word MCC ru {summary['word ru']:.3f} (with English {summary['word ru+en']:.3f}; target 0.25) | "
          f"English {summary['word en dev']:.3f} dev / {summary['word en test20']:.3f} test20 (target 0.20) | "
          f"{segments} (target 0.15) | "
          f"MT/human flags {summary['mt/human']:.2f}x (target 2; MQM annotators {summary['mqm mt/human']:.1f}x) | "
          f"error flags per 100 human {summary['errors/100 human']:.1f} (target <= 2)")

if __name__ == "__main__":
    main()
