"""Build the ru↔en translation lexicon (workbench/data/lexicon-ru-en.tsv.gz) from public parallel text.

    python scripts/build_lexicon.py ../shared/qe [--out PATH] [--holdout]
        [--dictionary PATH | --no-dictionary] [--bridge PATH | --no-bridge]

Training pairs (Russian, English), all under the shared QE folder (see its README), the TRAINING
files only:
  - wmtqe22/ru-en-train: Russian source with the human post-edit, and with the MT (7,000 + 7,000);
  - wmtqe22/en-ru-train-2021-news: English source with the Russian MT (8,432).
Never the sets the flags are measured on (wmtqe22 en-ru-dev-2022, ru-en-dev, ru-en-test20) nor any
wmt21-news file (ru→en is the segment-level evaluation set, en→ru the human-vs-MT comparison).
`--holdout` leaves out, in addition, the last 1,000 pairs of each tagged training set.

Cross-fitting (`fold_lexicon`, used by benchmarks/train_risk.py): the word model reads "how well
the other language renders this word" from the lexicon, so a lexicon learnt on the very sentences
the model is fitted on makes that feature near-perfect in training and weaker on unseen text. The
training script therefore gives each sentence of fold k (`fold_of` its source sentence, in both
tagged training sets; en-ru-train holds ~16 systems' MT of each of 527 English sentences, so a fold
is a set of sources, never of lines) the features of a lexicon learnt without fold k; those fold lexicons are cached under
`.cache/lexicon/`. The shipped file is learnt on all the training pairs above.

A bilingual dictionary adds what these few tens of thousands of pairs never show: Mueller's
English-Russian dictionary (7th edition, 1961; electronic edition GPL-2+, Debian's `mueller7-dict`;
about 48,000 headwords) is read from its dictd file
(`--dictionary`, default /usr/share/dictd/mueller7.dict.dz). Each one-word headword gives the
Russian words of its translations: the clauses of its senses that hold no Latin letters (a clause
with Latin letters is an example phrase), one or two words long, grammar labels and glosses in
brackets dropped. They are written as `d` rows (source lemma key, English key): the lexicon counts
such a pair as a plausible rendering (`workbench.lexicon.DICTIONARY`) and its lemmas as judged.
Debian's dict-freedict-eng-rus (1,693 headwords, "too small", says its own header) is not read.

Ukrainian has no parallel English text here; its words reach the lexicon through Russian. Besides the
regular spelling correspondences of `workbench.lexicon` (cognates: "закон", "підписати"), the
Ukrainian–Russian bilingual dictionary of Apertium (`apertium-rus-ukr`, GPL; about 11,000 lemma pairs:
"уряд" → "правительство", "зараз" → "сейчас") is read from its compiled transducer through
lttoolbox's `lt-print` (`--bridge`) and written as `u` rows (Ukrainian lemma key, Russian lemma key).
scripts/lexicon-deps.sh installs the Debian packages this script reads (mueller7-dict,
apertium-rus-ukr, lttoolbox-dev).

Both sides are lemmatised (`workbench.lexicon.src_key` / `en_key`), aligned with eflomal in both
directions, symmetrised with grow-diag-final-and, and the link counts turned into p(en|ru) and
p(ru|en). Rows kept: link count >= 2, probability >= --min-prob, the --top best per lemma; plus the
training count of every lemma seen at least twice (what the lexicon can judge). Deterministic for
a given eflomal seed: eflomal samples, so two runs differ in a few rare pairs.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import sys
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.lexicon import DATA_DIR, DATA_FILE, en_key, src_key  # noqa: E402
from workbench.text import words  # noqa: E402

HOLDOUT_TAIL = 1000
DICTIONARY = Path("/usr/share/dictd/mueller7.dict.dz")
BRIDGE = Path("/usr/share/apertium/apertium-rus-ukr/ukr-rus.autobil.bin")

_LATIN = re.compile(r"[A-Za-z]")
# a Cyrillic word of either language (Ukrainian letters and the apostrophe too)
_CYR_WORD = re.compile(r"[\u0400-\u04ff]+(?:['’-][\u0400-\u04ff]+)*")
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)")  # transcriptions, glosses, usage notes
_LABEL = re.compile(r"_[^\s.]+\.")  # grammar and field labels: _n. _v. _pl. _воен.
# senses and the clauses inside them: "1)", "а)", ";" and ":" (not ",": "дёрганье, скручивание"
# are two renderings of one sense and split below)
_CLAUSE = re.compile(r"[;:]|\d+\)|(?<![А-Яа-яЁё])[а-я]\)")


def dictionary_pairs(path: Path) -> set[tuple[str, str]]:
    """(source lemma key, English key) pairs of a dictd English-Russian dictionary file (.dict or .dict.dz).

    A headword is a line that starts in column 0; its article is the indented lines after it. Only
    one-word alphabetic headwords are read, and of their articles only the Russian clauses: a clause
    with Latin letters is an example ("organs of government органы государственного управления")
    and a translation longer than two words is a gloss, not a rendering.
    """
    opener = gzip.open if path.suffix == ".dz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        text = fh.read()
    out: set[tuple[str, str]] = set()
    head, body = "", []

    def article() -> None:
        if not head.isalpha() or not head.isascii():
            return  # metadata entries ("00-database-…", "_a.") and phrases
        ek = en_key(head)
        clean = _LABEL.sub(" ", _BRACKETS.sub(" ", " ".join(body)))
        for clause in _CLAUSE.split(clean):
            if _LATIN.search(clause) or "~" in clause:
                continue
            for rendering in clause.split(","):
                found = _CYR_WORD.findall(rendering)
                if 1 <= len(found) <= 2:
                    out.update((src_key(w, "ru"), ek) for w in found if len(w) > 2)

    for line in text.split("\n"):
        if line[:1] and not line[:1].isspace():
            article()
            head, body = line.strip(), []
        else:
            body.append(line.strip())
    article()
    return out


def _lines(path: Path) -> list[str]:
    return [line.rstrip("\n").replace("<EOS>", "").strip() for line in path.open(encoding="utf-8")]


def fold_of(source: str, folds: int) -> int:
    """The cross-fitting fold of a training pair: by its source sentence (stable across runs and
    processes), so every MT of one source falls in the same fold."""
    return zlib.crc32(" ".join(source.split()).encode("utf-8")) % folds


def corpora(qe: Path, holdout: bool = False, *, leave_out: tuple[int, int] | None = None
            ) -> list[tuple[str, list[str], list[str]]]:
    """(name, Russian lines, English lines) of every training corpus.

    `leave_out=(k, folds)` drops the pairs of fold k (`fold_of` their source sentence) of both
    tagged sets: the pairs of a cross-fitted lexicon (see the module docstring).
    """
    ruen = qe / "wmtqe22" / "ru-en-train"
    src, pe, mt = _lines(ruen / "train.src"), _lines(ruen / "train.pe"), _lines(ruen / "train.mt")
    enru = qe / "wmtqe22" / "en-ru-train-2021-news"
    en_src, ru_mt = _lines(enru / "mqm_enru_updated.src"), _lines(enru / "mqm_enru_updated.mt")
    if holdout:
        src, pe, mt = src[:-HOLDOUT_TAIL], pe[:-HOLDOUT_TAIL], mt[:-HOLDOUT_TAIL]
        en_src, ru_mt = en_src[:-HOLDOUT_TAIL], ru_mt[:-HOLDOUT_TAIL]
    if leave_out is not None:
        k, folds = leave_out
        # a fold is a set of SOURCE sentences: en-ru-train holds ~16 systems' MT of each of 527 English
        # sentences, and a fold by line would let the lexicon see the other systems' pairs of a source
        keep_ru = [fold_of(line, folds) != k for line in src]
        keep_en = [fold_of(line, folds) != k for line in en_src]
        src, pe, mt = ([x for x, keep in zip(lines, keep_ru, strict=True) if keep] for lines in (src, pe, mt))
        en_src, ru_mt = ([x for x, keep in zip(lines, keep_en, strict=True) if keep] for lines in (en_src, ru_mt))
    return [("ru-en-train src/pe", src, pe), ("ru-en-train src/mt", src, mt), ("en-ru-train src/mt", ru_mt, en_src)]


def grow_diag_final_and(fwd: set[tuple[int, int]], rev: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The standard symmetrisation of two directional alignments (Koehn et al. 2003)."""
    links = fwd & rev
    union = fwd | rev
    neighbours = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]
    aligned_s = {i for i, _ in links}
    aligned_t = {j for _, j in links}
    added = True
    while added:
        added = False
        for i, j in sorted(links):
            for di, dj in neighbours:
                p = (i + di, j + dj)
                if p in union and p not in links and (p[0] not in aligned_s or p[1] not in aligned_t):
                    links.add(p)
                    aligned_s.add(p[0])
                    aligned_t.add(p[1])
                    added = True
    for d in (fwd, rev):
        for i, j in sorted(d):
            if i not in aligned_s and j not in aligned_t:
                links.add((i, j))
                aligned_s.add(i)
                aligned_t.add(j)
    return links


def _read_links(path: Path) -> list[set[tuple[int, int]]]:
    out = []
    for line in path.open(encoding="utf-8"):
        out.append({(int(a), int(b)) for a, b in (x.split("-") for x in line.split())})
    return out


def transducer_paths(att: str, limit: int = 2_000_000) -> list[tuple[str, str]]:
    """(input, output) strings of every path of the transducers in lt-print's AT&T text (sections
    apart by "--"; a row "from to input output weight", or "state weight" for a final state; "ε"
    is the empty symbol). A path never visits a state twice (the number patterns loop)."""
    out: list[tuple[str, str]] = []
    for section in att.split("--\n"):
        arcs: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        finals: set[int] = set()
        for line in section.splitlines():
            f = line.split("\t")
            if len(f) >= 4 and f[0].isdigit() and f[1].isdigit():
                arcs[int(f[0])].append((int(f[1]), "" if f[2] == "ε" else f[2], "" if f[3] == "ε" else f[3]))
            elif f[0].isdigit():
                finals.add(int(f[0]))
        # depth first with an explicit stack: (state, input so far, output so far, states on the path)
        stack: list[tuple[int, str, str, frozenset[int]]] = [(0, "", "", frozenset({0}))]
        while stack and len(out) < limit:
            state, a, b, path = stack.pop()
            if state in finals:
                out.append((a, b))
            for to, i, o in arcs.get(state, ()):
                if to not in path:
                    stack.append((to, a + i, b + o, path | {to}))
    return out


_TAG = re.compile(r"<[^>]*>")


def bridge_pairs(path: Path) -> set[tuple[str, str]]:
    """(Ukrainian lemma key, Russian lemma key) pairs of Apertium's compiled ukr→rus bilingual dictionary,
    one-word lemmas of both sides only (tags dropped)."""
    import subprocess

    try:
        att = subprocess.run(["lt-print", str(path)], check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise SystemExit("lt-print: not installed (apt-get install lttoolbox-dev, or --no-bridge)") from None
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"{path}: lt-print failed: {e.stderr.strip()[:200]}") from None
    out: set[tuple[str, str]] = set()
    for a, b in transducer_paths(att):
        uk, ru = _TAG.sub("", a), _TAG.sub("", b)
        if _CYR_WORD.fullmatch(uk) and _CYR_WORD.fullmatch(ru) and "<num>" not in a:
            out.add((src_key(uk, "uk"), src_key(ru, "ru")))
    return out


def build(qe: Path, out: Path, *, holdout: bool = False, min_prob: float = 0.02, top: int = 12,
          leave_out: tuple[int, int] | None = None, dictionary: Path | None = DICTIONARY,
          bridge: Path | None = BRIDGE) -> None:
    import eflomal

    t0 = time.time()
    entries = dictionary_pairs(dictionary) if dictionary is not None else set()
    if dictionary is not None:
        print(f"{dictionary}: {len(entries)} dictionary pairs", file=sys.stderr)
    cognates = bridge_pairs(bridge) if bridge is not None else set()
    if bridge is not None:
        print(f"{bridge}: {len(cognates)} Ukrainian-Russian pairs", file=sys.stderr)
    ru_sents: list[list[str]] = []
    en_sents: list[list[str]] = []
    for name, ru_lines, en_lines in corpora(qe, holdout, leave_out=leave_out):
        if len(ru_lines) != len(en_lines):
            raise SystemExit(f"{name}: {len(ru_lines)} Russian lines but {len(en_lines)} English lines")
        kept = 0
        for ru, en in zip(ru_lines, en_lines, strict=True):
            r = [src_key(t.text, "ru") for t in words(ru)]
            e = [en_key(t.text) for t in words(en)]
            if r and e:
                ru_sents.append(r)
                en_sents.append(e)
                kept += 1
        print(f"{name}: {kept} pairs", file=sys.stderr)
    print(f"{len(ru_sents)} pairs lemmatised in {time.time() - t0:.0f}s", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        fwd_path, rev_path = Path(tmp) / "fwd", Path(tmp) / "rev"
        aligner = eflomal.Aligner()
        aligner.align([" ".join(s) for s in ru_sents], [" ".join(s) for s in en_sents],
                      links_filename_fwd=str(fwd_path), links_filename_rev=str(rev_path), quiet=True)
        fwd, rev = _read_links(fwd_path), _read_links(rev_path)
    print(f"aligned in {time.time() - t0:.0f}s", file=sys.stderr)
    pair_count: Counter[tuple[str, str]] = Counter()
    ru_links: Counter[str] = Counter()  # links of each lemma, unaligned occurrences counted once (to NULL)
    en_links: Counter[str] = Counter()
    ru_vocab: Counter[str] = Counter()
    en_vocab: Counter[str] = Counter()
    for r, e, f, b in zip(ru_sents, en_sents, fwd, rev, strict=True):
        links = grow_diag_final_and(f, b)
        ru_vocab.update(r)
        en_vocab.update(e)
        seen_i = {i for i, _ in links}
        seen_j = {j for _, j in links}
        for i, j in links:
            if i < len(r) and j < len(e):
                pair_count[r[i], e[j]] += 1
                ru_links[r[i]] += 1
                en_links[e[j]] += 1
        ru_links.update(w for i, w in enumerate(r) if i not in seen_i)
        en_links.update(w for j, w in enumerate(e) if j not in seen_j)
    forward: dict[str, list[tuple[float, str]]] = defaultdict(list)
    backward: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (r, e), c in pair_count.items():
        if c < 2:
            continue
        pf, pb = c / ru_links[r], c / en_links[e]
        if pf >= min_prob:
            forward[r].append((pf, e))
        if pb >= min_prob:
            backward[e].append((pb, r))
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#\tbuilt by scripts/build_lexicon.py from {len(ru_sents)} ru-en pairs"
                 f"{' (holdout)' if holdout else ''}"
                 f"{f' (without fold {leave_out[0]} of {leave_out[1]})' if leave_out else ''}; min_prob={min_prob} top={top}"
                 f"{f'; {len(entries)} dictionary pairs from {dictionary.name}' if dictionary is not None else ''}"
                 f"{f'; {len(cognates)} uk-ru pairs from {bridge.name}' if bridge is not None else ''}\n")
        for r in sorted(forward):
            for p, e in sorted(forward[r], reverse=True)[:top]:
                fh.write(f"f\t{r}\t{e}\t{p:.3f}\n")
                rows += 1
        for e in sorted(backward):
            for p, r in sorted(backward[e], reverse=True)[:top]:
                fh.write(f"b\t{r}\t{e}\t{p:.3f}\n")
                rows += 1
        for r, e in sorted(entries):
            fh.write(f"d\t{r}\t{e}\n")
        for u, r in sorted(cognates):
            fh.write(f"u\t{u}\t{r}\n")
        for w, c in sorted(ru_vocab.items()):
            if c >= 2:
                fh.write(f"vs\t{w}\t{c}\n")
        for w, c in sorted(en_vocab.items()):
            if c >= 2:
                fh.write(f"ve\t{w}\t{c}\n")
    print(f"{out}: {rows} translation rows, {sum(c >= 2 for c in ru_vocab.values())} Russian and "
          f"{sum(c >= 2 for c in en_vocab.values())} English lemmas, {out.stat().st_size / 1e6:.2f} MB, "
          f"{time.time() - t0:.0f}s", file=sys.stderr)


def fold_lexicon(qe: Path, k: int, folds: int, cache: Path, dictionary: Path | None = DICTIONARY) -> Path:
    """The folder holding the lexicon learnt without fold k of `folds` (built once, then cached).

    Keyed by this script, the lexicon module, the dictionary and the data folder's files (names and
    sizes), so a change to any of them, or another data folder, rebuilds the folds."""
    h = hashlib.sha256()
    for p in (Path(__file__), Path(__file__).resolve().parents[1] / "workbench" / "lexicon.py"):
        h.update(p.read_bytes())
    for p in sorted(q for q in qe.rglob("*") if q.is_file()):
        h.update(f"{p.relative_to(qe)}:{p.stat().st_size}\n".encode())
    if dictionary is not None:
        h.update(f"{dictionary.resolve()}:{dictionary.stat().st_size}".encode())
    folder = cache / f"fold{k}of{folds}-{h.hexdigest()[:12]}"
    if not (folder / DATA_FILE).is_file():
        tmp = folder / (DATA_FILE + ".part")
        build(qe, tmp, leave_out=(k, folds), dictionary=dictionary, bridge=None)  # training is Russian
        tmp.rename(folder / DATA_FILE)
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("qe_dir", type=Path, help="the shared QE folder (wmtqe22/, wmt21-news/)")
    ap.add_argument("--out", type=Path, default=DATA_DIR / DATA_FILE)
    ap.add_argument("--holdout", action="store_true", help="leave out the tuning tails and wmt21 en-ru")
    ap.add_argument("--min-prob", type=float, default=0.02)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--dictionary", type=Path, default=DICTIONARY,
                    help="an English-Russian dictd dictionary (default: Debian's mueller7-dict)")
    ap.add_argument("--no-dictionary", action="store_true", help="learn from the parallel text alone")
    ap.add_argument("--bridge", type=Path, default=BRIDGE,
                    help="Apertium's compiled ukr-rus bilingual dictionary (default: Debian's apertium-rus-ukr)")
    ap.add_argument("--no-bridge", action="store_true", help="bridge Ukrainian by spelling correspondences alone")
    args = ap.parse_args(argv)
    for sub in ("wmtqe22/ru-en-train", "wmtqe22/en-ru-train-2021-news"):
        if not (args.qe_dir / sub).is_dir():
            print(f"{args.qe_dir / sub}: no such folder", file=sys.stderr)
            return 2
    dictionary = None if args.no_dictionary else args.dictionary
    if dictionary is not None and not dictionary.is_file():
        print(f"{dictionary}: no such dictionary file (scripts/lexicon-deps.sh installs it, or --no-dictionary)",
              file=sys.stderr)
        return 2
    bridge = None if args.no_bridge else args.bridge
    if bridge is not None and not bridge.is_file():
        print(f"{bridge}: no such dictionary file (scripts/lexicon-deps.sh installs it, or --no-bridge)",
              file=sys.stderr)
        return 2
    build(args.qe_dir, args.out, holdout=args.holdout, min_prob=args.min_prob, top=args.top, dictionary=dictionary,
          bridge=bridge)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
