"""Readers for the public quality-estimation data (../shared/qe) and the checks' flags over them.

Shared by `qe_eval.py` (the figures) and `train_risk.py` (the risk model). The data come
tokenized, one tag per whitespace token, so a segment's text is its tokens joined by single
spaces: a flag's character span then falls on the whitespace tokens that carry the tags. The
final `<EOS>` token (WMT22: BAD when something is missing at the end) is cut from the text and
scored as the risk model's end token.

The checks' flags over every set are cached under `.cache/qe/` (gitignored), per family and keyed
by its code, so the evaluation and the training re-run only the families that changed.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.flags.base import DocView, Emitter, RawFlag, SegmentView, levels_for  # noqa: E402
from workbench.records import Document, Segment  # noqa: E402

CACHE = ROOT / ".cache" / "qe"
LEVELS: dict[str, str | None] = {}
EOS = "<EOS>"


@dataclass
class Item:
    """One segment: the ru/uk (the product's source side), the English if any, and the gold."""

    sid: str
    text: str
    lang: str = "ru"
    english: str = ""
    paragraph: int = 0
    src_tags: list[bool] | None = None  # True = BAD, per whitespace token of `text`, then the end token
    tgt_tags: list[bool] | None = None  # the same for `english`
    hter: float | None = None
    meta: dict = field(default_factory=dict)


@dataclass
class Doc:
    key: str
    items: list[Item]
    lang: str = "ru"


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")  # not splitlines(): the sentences may hold U+2028 and other separators
    return lines[:-1] if text.endswith("\n") else lines


def _cut_eos(line: str) -> str:
    toks = line.split()
    return " ".join(toks[:-1] if toks and toks[-1] == EOS else toks)


def _tags(line: str) -> list[bool]:
    return [t == "BAD" for t in line.split()]


def singles(items: list[Item], name: str) -> list[Doc]:
    """Sentences of the QE sets are not in story order: each is its own document."""
    return [Doc(f"{name}:{it.sid}", [it], it.lang) for it in items]


def _one(folder: Path, suffix: str) -> Path:
    found = sorted(folder.glob(f"*{suffix}"))
    if len(found) != 1:
        raise SystemExit(f"{folder}: expected one *{suffix} file, found {len(found)}")
    return found[0]


def en_ru(d: Path, split: str, *, with_english: bool) -> list[Item]:
    """WMT22 QE en-ru (MQM): the Russian MT is the source side; the English original optionally.

    The folder is `wmtqe22/en-ru-{split}*` (en-ru-train-2021-news, en-ru-dev-2022) holding one `.mt`,
    one `.src` and one `.tags` file, whatever their stem."""
    folders = sorted(p for p in (d / "wmtqe22").glob(f"en-ru-{split}*") if p.is_dir())
    if not folders:
        raise SystemExit(f"{d / 'wmtqe22'}: no en-ru-{split}* folder")
    base = folders[0]
    mt, src, tg = (_lines(_one(base, ext)) for ext in (".mt", ".src", ".tags"))
    out = []
    for i, (m, s, t) in enumerate(zip(mt, src, tg, strict=True)):
        out.append(Item(f"enru-{split}-{'e' if with_english else 'a'}{i}", _cut_eos(m), "ru",
                        s if with_english else "", src_tags=_tags(t)))
    return out


def ru_en(d: Path, split: str) -> list[Item]:
    """WMT22 QE ru-en: Russian source, English MT with one tag per token (and <EOS>), HTER."""
    folder = {"train": "ru-en-train", "dev": "ru-en-dev", "test20": "ru-en-test20"}[split]
    base = d / "wmtqe22" / folder
    src, mt, tg, hter = (_lines(base / f"{split}.{ext}") for ext in ("src", "word_level.2022.mt",
                                                                        "word_level.2022.tags", "hter"))
    return [Item(f"ruen-{split}-{i}", s, "ru", _cut_eos(m), tgt_tags=_tags(t), hter=float(h))
            for i, (s, m, t, h) in enumerate(zip(src, mt, tg, hter, strict=True))]


@dataclass
class NewsSet:
    """WMT news into English, one source language: the systems' English by document, DA per (system, SID)."""

    lang: str
    name: str  # e.g. "w21" for newstest2021 ru-en, "w22uk" for newstest2022 uk-en: the flag cache's prefix
    systems: list[str]
    by_sys: dict[str, list[Doc]]
    da: dict[tuple[str, int], tuple[float, float]]  # (system, SID) -> (raw, z), averaged over ratings
    sid_check: dict[str, float]  # per document order: share of (system, document) pairs scored whole
    order: str  # the order SID counts in (the one that puts scores on whole documents)
    source: str = ""  # the xml's file name

    @property
    def label(self) -> str:
        return f"{self.source}: {self.lang}->en, {len(self.systems)} systems"


def news_sets(d: Path) -> list[tuple[str, Path, Path]]:
    """(source language, xml, DA file) of every WMT news set into English under `d` with human DA:
    `*.LANG-en.all.xml` beside `ad-seg-scores-LANG-en.csv`, for Russian and Ukrainian."""
    out = []
    for lang in ("ru", "uk"):
        for xml in sorted(d.glob(f"*/*.{lang}-en.all.xml")):
            scores = xml.parent / f"ad-seg-scores-{lang}-en.csv"
            if scores.is_file():
                out.append((lang, xml, scores))
    return out


def _norm_system(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def match_systems(scored: set[str], systems: list[str]) -> dict[str, str]:
    """The xml's system for each name in the DA file (which may drop a submission's suffix or an
    organisation's prefix: "Online-B.4", "Nemo" for "NVIDIA-NeMo"): the same name, or the one system
    whose name contains it; names that match none or several are left out (and their scores unused)."""
    out: dict[str, str] = {}
    norm = {s: _norm_system(s) for s in systems}
    for name in scored:
        n = _norm_system(name)
        same = [s for s, v in norm.items() if v == n]
        within = same or [s for s, v in norm.items() if n and (n in v or v in n)]
        if len(within) == 1:
            out[name] = within[0]
    return out


def news_to_english(xml: Path, scores_file: Path, lang: str) -> NewsSet:
    """A WMT news set into English: documents from the xml, every system's English, DA per (system, SID).

    SID counts segments in one of two orders, checked on the data (the WMT releases differ): the
    xml's document order, or the documents sorted by their id as strings. The order that puts every
    system's scores on whole documents is used (on WMT21 ru-en: sorted by id, 98 % against 81 %).
    """
    tree = etree.parse(str(xml))
    docs = tree.getroot().findall(".//doc")
    systems = sorted({h.get("system") for h in tree.getroot().iter("hyp")})
    src_docs: list[tuple[str, list[tuple[int, str]]]] = []
    hyps: dict[str, dict[str, list[str]]] = defaultdict(dict)
    refs: dict[str, list[str]] = {}
    for doc in docs:
        did = doc.get("id")
        segs = []
        for pi, p in enumerate(doc.find("src").findall("p")):
            segs += [(pi, s.text or "") for s in p.findall("seg")]
        src_docs.append((did, segs))
        for h in doc.findall("hyp"):
            hyps[h.get("system")][did] = [s.text or "" for s in h.iter("seg")]
        ref = doc.find("ref[@translator='A']")
        if ref is None:
            ref = doc.find("ref")
        if ref is not None:
            refs[did] = [s.text or "" for s in ref.iter("seg")]
    raw: dict[tuple[str, int], list[tuple[float, float]]] = defaultdict(list)
    for line in _lines(scores_file)[1:]:
        parts = line.split()
        if len(parts) < 4:
            continue
        raw[(parts[0].rsplit(".", 1)[0] if re.search(r"\.\d+$", parts[0]) else parts[0], int(parts[1]))].append(
            (float(parts[2]), float(parts[3])))
    names = match_systems({k[0] for k in raw}, systems)
    da = {(names[k[0]], k[1]): (sum(r for r, _ in v) / len(v), sum(z for _, z in v) / len(v))
          for k, v in raw.items() if k[0] in names}

    def positions(order: list[tuple[str, list]]) -> dict[tuple[str, int], int]:
        out, n = {}, 0
        for did, segs in order:
            for j in range(len(segs)):
                n += 1
                out[(did, j)] = n
        return out

    orders = {"xml/txt line order": src_docs, "documents sorted by id": sorted(src_docs)}
    check = {}
    for label, order in orders.items():
        pos = positions(order)
        whole = total = 0
        for sysname in systems:
            for did, segs in src_docs:
                got = [(sysname, pos[(did, j)]) in da for j in range(len(segs))]
                if any(got):
                    total += 1
                    whole += all(got)
        check[label] = whole / max(1, total)
    chosen = max(orders, key=lambda k: check[k])
    pos = positions(orders[chosen])
    year = re.search(r"20(\d\d)", xml.name)
    name = f"w{year.group(1) if year else ''}{'' if lang == 'ru' else lang}"
    by_sys: dict[str, list[Doc]] = {}
    for sysname in systems:
        out = []
        for did, segs in src_docs:
            english = hyps[sysname].get(did, [])
            ref = refs.get(did, [])
            items = [Item(f"{name}-{sysname}-{pos[(did, j)]}", text, lang, english[j] if j < len(english) else "",
                          paragraph=pi, meta={"sid": pos[(did, j)], "system": sysname,
                                              "ref": ref[j] if j < len(ref) else ""})
                     for j, (pi, text) in enumerate(segs)]
            out.append(Doc(f"{name}:{sysname}:{did}", items, lang))
        by_sys[sysname] = out
    return NewsSet(lang, name, systems, by_sys, da, check, chosen, xml.name)


def en_ru_news_files(d: Path) -> list[Path]:
    """The human (`*.en-ru.ref.X.ru`) and machine (`*.en-ru.hyp.SYSTEM.ru`) Russian of one WMT news
    test set under `d` (the first set, when there are several), line-aligned with its English."""
    found = sorted(p for p in d.glob("*/*.en-ru.*.ru") if ".ref." in p.name or ".hyp." in p.name)
    first = found[0].name.split(".en-ru.")[0] if found else ""
    return [p for p in found if p.name.startswith(first + ".en-ru.")]


def wmt21_en_ru(d: Path) -> dict[str, list[Doc]]:
    """WMT news en->ru (WMT21 in ../shared/qe): the human Russian (refs A, B) and the systems' Russian
    of the same English."""
    out = {}
    for path in en_ru_news_files(d):
        name = path.name.split(".")[-2]
        kind = "human" if ".ref." in path.name else "mt"
        year = re.search(r"20(\d\d)", path.name)
        items = [Item(f"w{year.group(1) if year else ''}enru-{name}-{i}", line, "ru", meta={"kind": kind, "index": i})
                 for i, line in enumerate(_lines(path))]
        out[f"{kind}:{name}"] = singles(items, name)
    return out


def _same_text(line: str) -> str:
    """A sentence compared across tokenisations: no spaces or quote marks, ё as е, lower case."""
    return re.sub(r"[\s\"'«»“”„]", "", _cut_eos(line)).replace("ё", "е").lower()


def mqm_of_wmt21_en_ru(d: Path) -> dict[str, dict[int, list[bool]]]:
    """The MQM word tags that en-ru-train-2021-news holds for sentences of the WMT21 en-ru files:
    per set of `wmt21_en_ru` ("human:A", "mt:Online-W", ...), line index -> tags (without the end
    token). That training file is MQM annotation of WMT21 en-ru news, human references included, so
    it tells how often the annotators found an error in human and in machine Russian of the same
    English: the ratio a perfect detector would show. Matched by text across tokenisations."""
    folders = sorted(p for p in (d / "wmtqe22").glob("en-ru-train*") if p.is_dir())
    if not folders:
        return {}
    mt = _lines(_one(folders[0], ".mt"))
    tags = _lines(_one(folders[0], ".tags"))
    tagged: dict[str, list[bool]] = {}
    for m, t in zip(mt, tags, strict=True):
        tg = _tags(t)
        tagged.setdefault(_same_text(m), tg[:len(_cut_eos(m).split())])
    out: dict[str, dict[int, list[bool]]] = {}
    for path in en_ru_news_files(d):
        name = path.name.split(".")[-2]
        kind = "human" if ".ref." in path.name else "mt"
        out[f"{kind}:{name}"] = {i: tagged[k] for i, line in enumerate(_lines(path))
                                 if (k := _same_text(line)) in tagged}
    return out


# --- running the product's checks ---------------------------------------------------------------------
def view_of(doc: Doc) -> DocView:
    """A document of the store's shape: segments in order, paragraphs, the English per segment."""
    segs, views, text, at = [], [], [], 0
    for i, it in enumerate(doc.items):
        seg = Segment(id=it.sid, doc_id=0, index=i, start=at, end=at + len(it.text), text=it.text, lang=it.lang,
                      paragraph=it.paragraph)
        segs.append(seg)
        views.append(SegmentView(seg, it.english))
        text.append(it.text)
        at += len(it.text) + 2
    document = Document(id=0, name=doc.key, sha256="", text="\n\n".join(text), lang=doc.lang, encoding="utf-8",
                        segments=segs)
    return DocView(document, views)


def family_key(module: object) -> str:
    """What one family's cached flags depend on: its module, the shared helpers, the lexicon data."""
    h = hashlib.sha256()
    own = Path(module.__file__)  # type: ignore[attr-defined]
    code = own.read_text(encoding="utf-8")
    paths = [own, ROOT / "workbench" / "flags" / "base.py"]
    paths += [p for p in sorted((ROOT / "workbench").glob("*.py")) if p.stem in ("text", "morph", "glossary", "quantities", "frequency", "hunspell")
              or (p.stem == "lexicon" and "lexicon" in code)]
    if "lexicon" in code and (ROOT / "workbench" / "data").is_dir():
        paths += [p for p in sorted((ROOT / "workbench" / "data").glob("*")) if p.name != "risk_model.json"]
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def content_key(docs: list[Doc]) -> str:
    """What the flags of a set depend on besides the code: every document's segments as the checks
    read them (so another DIR with the same file names never reads this one's cached flags)."""
    h = hashlib.sha256()
    for doc in docs:
        h.update(f"\x1d{doc.key}\x1f{doc.lang}".encode())
        for it in doc.items:
            h.update(f"\x1e{it.sid}\x1f{it.lang}\x1f{it.paragraph}\x1f{it.text}\x1f{it.english}".encode())
    return h.hexdigest()[:16]


def flags_for(name: str, docs: list[Doc], *, log: bool = True, families: tuple | None = None
              ) -> dict[str, list[RawFlag]]:
    """The checks' raw flags of every segment of `docs`, family by family (each cached per set, per
    content of the set and per version of its code, so a change to one family re-runs only that
    family); `families` limits the run to those family modules."""
    from workbench.flags import FAMILIES

    CACHE.mkdir(parents=True, exist_ok=True)
    lv = levels()
    out: dict[str, list[RawFlag]] = {it.sid: [] for d in docs for it in d.items}
    content = content_key(docs)
    for family in families or FAMILIES:
        short = family.__name__.rsplit(".", 1)[1]
        path = CACHE / f"{name}-{short}-{family_key(family)}-{content}.pkl"
        if path.exists():
            with path.open("rb") as fh:
                found = pickle.load(fh)
        else:
            started = time.time()
            found = []
            for doc in docs:
                emit = Emitter(lv)
                family.detect(view_of(doc), emit)
                found += emit.raw
            with path.open("wb") as fh:
                pickle.dump(found, fh)
            if log:
                print(f"  {short} over {name}: {len(docs)} documents, {len(found)} flags, "
                      f"{time.time() - started:.0f} s", file=sys.stderr, flush=True)
        for r in found:
            out[r.flag.segment_id].append(r)
    return out


def levels() -> dict[str, str | None]:
    """The default level of every check (the benchmark measures the product as shipped)."""
    global LEVELS
    if not LEVELS:
        LEVELS = levels_for({})
    return LEVELS
