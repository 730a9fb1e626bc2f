"""Machine translation produced elsewhere (DeepL, Google, a newsroom's own system), stored as MT.

`import_mt(store, config, doc, path, engine, actor)` reads English for one document from

- a line-aligned text file: one line of English per line of the document (blank lines may be
  kept or left out); a line the importer split into several segments has its English spread over
  those segments, sentence by sentence, in order and by length, so nothing is dropped;
- a CSV/TSV table of segment id and English (columns `segment_id`, `segment` or `id`, and `en`,
  `english` or `target`);
- a TMX or an XLIFF file from another tool: units are matched to segments by id, else by source
  text.

The English is saved as translations of engine NAME (model id `external:NAME`), not as edits: the
editor shows it as MT, post-editing distance is measured against it and the flags treat it as MT.
When the configured engine's model is on this machine, each imported English is scored by forced
decoding, so the per-token log-probabilities are there as for our own MT. All input is checked
before anything is written, and everything is saved in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from razdel import sentenize

from .. import inline
from ..config import Config
from ..errors import WorkbenchError
from ..records import Document, Segment, Translation
from ..store import Store
from .engines import ENGINES, NLLB_CODES, engine_spec, load_engine
from .models import ModelUnavailable, model_available
from .pipeline import EXTERNAL_PREFIX

FORMATS = ("lines", "table", "tmx", "xliff")
_SUFFIXES = {".txt": "lines", ".text": "lines", ".tsv": "table", ".csv": "table", ".tmx": "tmx",
             ".xlf": "xliff", ".xliff": "xliff", ".xlf2": "xliff"}
_ENGINE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
_ID_COLUMNS = ("segment_id", "segment", "id")
_EN_COLUMNS = ("en", "english", "target")


class MTImportError(WorkbenchError):
    """An MT file that cannot be imported (nothing was changed)."""


@dataclass
class MTImportReport:
    document: str
    path: str
    format: str
    engine: str
    imported: int = 0  # segments given English
    spread: int = 0  # lines whose English was spread over several segments
    blank: int = 0  # source lines or units with empty English (nothing stored for them)
    unmatched: int = 0  # TMX/XLIFF units that match no segment of the document
    edited: int = 0  # segments whose edited English stays the current one
    scored: int = 0
    score_note: str = ""  # why nothing was scored
    notes: list[str] = field(default_factory=list)


def detect_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise MTImportError(f"--format {fmt!r}: not one of {', '.join(FORMATS)}")
        return fmt
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise MTImportError(f"{path}: unknown kind of file {path.suffix or '(no suffix)'}; "
                            f"use .txt (one line per source line), .tsv/.csv, .tmx or .xlf (or --format)")
    return found


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise MTImportError(f"{path}: no such file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MTImportError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
                            f"save it as UTF-8") from None
    except OSError as exc:
        raise MTImportError(f"{path}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    if "\x00" in text:
        raise MTImportError(f"{path}: contains a NUL character (a binary file?)")
    return text


def _lines(text: str) -> list[str]:
    """Physical lines as the importer's line splitter sees them (\\r\\n, \\r or \\n), trailing blanks dropped."""
    lines = re.split(r"\r\n|\r|\n", text)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def spread(english: str, sources: Sequence[str]) -> list[str]:
    """One line of English over the segments a source line was split into: whole English sentences,
    in order, each segment's share as close as possible to its source's share of the length.

    Every sentence goes to some segment; with fewer sentences than segments, some segments get
    none (their English is in a neighbour's).
    """
    if len(sources) == 1:
        return [english.strip()]
    sents = [s.text for s in sentenize(english.strip()) if s.text.strip()]
    k, m = len(sources), len(sents)
    if m == 0:
        return [""] * k
    total_src = sum(len(s) for s in sources) or 1
    total_en = sum(len(s) for s in sents) or 1
    want = [len(s) / total_src * total_en for s in sources]
    # best[i][j]: cost of giving the first i segments the first j sentences (segments may get none
    # only when sentences run short).
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(k + 1)]
    back = [[0] * (m + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    allow_empty = m < k
    for i in range(1, k + 1):
        for j in range(m + 1):
            for t in range(j + 1):
                if t == j and not allow_empty:
                    continue
                if best[i - 1][t] == inf:
                    continue
                got = sum(len(s) for s in sents[t:j])
                cost = best[i - 1][t] + abs(math.log((got + 1) / (want[i - 1] + 1)))
                if cost < best[i][j]:
                    best[i][j], back[i][j] = cost, t
    out: list[str] = []
    j = m
    for i in range(k, 0, -1):
        t = back[i][j]
        out.append(" ".join(sents[t:j]))
        j = t
    return out[::-1]


def _from_lines(path: Path, doc: Document, segments: list[Segment], report: MTImportReport) -> dict[str, str]:
    english = _lines(_read_text(path))
    source = _lines(doc.text)
    nonblank = [i for i, line in enumerate(source) if line.strip()]
    if len(english) == len(source):
        pairs = []
        for i, (src, en) in enumerate(zip(source, english, strict=True)):
            if not src.strip() and en.strip():
                raise MTImportError(f"{path}:{i + 1}: English for an empty line of {doc.name}; "
                                    f"the file must follow the document line by line")
            if src.strip():
                pairs.append(en)
    elif len([e for e in english if e.strip()]) == len(nonblank) and len(english) != len(source):
        pairs = [e for e in english if e.strip()]
    else:
        raise MTImportError(f"{path}: {len(english)} lines of English, but {doc.name} has {len(source)} lines "
                            f"({len(nonblank)} not empty); give one line of English per line of the document")
    by_block: dict[int, list[Segment]] = {}
    for seg in segments:
        by_block.setdefault(seg.paragraph, []).append(seg)
    out: dict[str, str] = {}
    for block, en in enumerate(pairs):
        segs = sorted(by_block.get(block, []), key=lambda s: s.index)
        if not segs:
            continue  # a line with no segment (only punctuation): nothing to attach English to
        if not en.strip():
            report.blank += 1
            continue
        if len(segs) > 1:
            report.spread += 1
        for seg, part in zip(segs, spread(en, [s.text for s in segs]), strict=True):
            out[seg.id] = part
    return out


def _from_table(path: Path, segments: list[Segment]) -> dict[str, str]:
    from ..exchange.tabular import delimiter_for

    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_for(path))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise MTImportError(f"{path}:{reader.line_num}: {exc}") from None
    if not rows:
        raise MTImportError(f"{path}: empty table")
    header = [h.strip().lower() for h in rows[0]]
    id_col = next((header.index(c) for c in _ID_COLUMNS if c in header), None)
    en_col = next((header.index(c) for c in _EN_COLUMNS if c in header), None)
    if id_col is None or en_col is None:
        raise MTImportError(f"{path}: needs a segment id column ({'/'.join(_ID_COLUMNS)}) and an English column "
                            f"({'/'.join(_EN_COLUMNS)}); found: {', '.join(rows[0]) or 'nothing'}")
    known = {s.id for s in segments}
    out: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(id_col, en_col):
            raise MTImportError(f"{path}:{line}: {len(row)} cells, the header has {len(header)}")
        sid, en = row[id_col].strip(), row[en_col]
        if sid not in known:
            raise MTImportError(f"{path}:{line}: segment {sid!r} is not a segment of this document")
        if sid in out:
            raise MTImportError(f"{path}:{line}: segment {sid!r} appears twice")
        out[sid] = en.strip()
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def _match_units(units: list[tuple[str, str, str]], segments: list[Segment],
                 report: MTImportReport) -> dict[str, str]:
    """(unit id, source, English) to segment ids: by id, else every segment with that source text."""
    by_id = {s.id: s for s in segments}
    by_text: dict[str, list[Segment]] = {}
    for s in segments:
        by_text.setdefault(_norm(s.text), []).append(s)
    out: dict[str, str] = {}
    for uid, source, english in units:
        targets = [by_id[uid]] if uid in by_id else by_text.get(_norm(source), [])
        if not targets:
            report.unmatched += 1
            continue
        if not english.strip():
            report.blank += 1
            continue
        for seg in targets:
            out.setdefault(seg.id, english.strip())
    return out


def _from_tmx(path: Path, segments: list[Segment], report: MTImportReport) -> dict[str, str]:
    from ..exchange.collect import lang_code
    from ..exchange.tmx import read_tmx

    if not path.is_file():
        raise MTImportError(f"{path}: no such file")
    units = []
    for unit in read_tmx(path):
        texts = {lang_code(lang): text for lang, text in reversed(unit.variants)}
        source = next((texts[c] for c in ("ru", "uk") if c in texts), "")
        if "en" in texts and source:
            units.append((unit.tuid, source, texts["en"]))
    return _match_units(units, segments, report)


def _from_xliff(path: Path, segments: list[Segment], report: MTImportReport) -> dict[str, str]:
    from ..exchange.xliff import read_xliff

    if not path.is_file():
        raise MTImportError(f"{path}: no such file")
    xf = read_xliff(path)
    return _match_units([(u.id, u.source, u.target or "") for u in xf.units], segments, report)


def read_external(store: Store, doc_ref: int | str, path: str | Path, engine: str, *,
                  fmt: str | None = None) -> tuple[Document, dict[str, str], MTImportReport]:
    """Check an MT file against a document: (document, segment id -> English, report). Writes nothing."""
    p = Path(path)
    if not _ENGINE_NAME.match(engine or ""):
        raise MTImportError(f"--engine {engine!r}: a short name for the system (letters, digits, . _ -; "
                            f"at most 20), e.g. deepl")
    if engine in ENGINES:
        raise MTImportError(f"--engine {engine!r}: the name of a workbench engine; name the external system")
    kind = detect_format(p, fmt)
    doc = store.document(doc_ref)
    segments = store.segments(doc.id)
    report = MTImportReport(document=doc.name, path=str(p), format=kind, engine=engine)
    if kind == "lines":
        found = _from_lines(p, doc, segments, report)
    elif kind == "table":
        found = _from_table(p, segments)
    elif kind == "tmx":
        found = _from_tmx(p, segments, report)
    else:
        found = _from_xliff(p, segments, report)
    found = {sid: en for sid, en in found.items() if en}
    if not found:
        raise MTImportError(f"{p}: no English for any segment of {doc.name}")
    for sid, en in found.items():
        try:
            en.encode("utf-8")
        except UnicodeEncodeError:
            raise MTImportError(f"{p}: the English for segment {sid} is not valid Unicode") from None
    return doc, found, report


def score_english(config: Config, pairs: Sequence[tuple[Segment, str]], *,
                  download: bool = False) -> tuple[dict[str, tuple[list[str], list[float], str, str]], str]:
    """Forced-decoding scores of English for segments: segment id -> (tokens, log-probs, engine, model id).

    Uses each language's configured engine. Without `download`, only a model already on this
    machine is used; the second value says why some language went unscored ("" when none).
    """
    out: dict[str, tuple[list[str], list[float], str, str]] = {}
    notes: list[str] = []
    by_lang: dict[str, list[tuple[Segment, str]]] = {}
    for seg, en in pairs:
        if seg.lang in NLLB_CODES and en.strip():
            by_lang.setdefault(seg.lang, []).append((seg, en))
    for lang, items in by_lang.items():
        try:
            spec = engine_spec(config, lang)
        except WorkbenchError as exc:  # no engine configured for the language: the English stays unscored
            notes.append(f"{lang}: {exc}")
            continue
        if not download and not model_available(spec.model):
            notes.append(f"{lang}: model {spec.model.ref} is not on this machine (`workbench score` scores "
                         f"later, once it is)")
            continue
        try:
            engine = load_engine(config, lang)
        except ModelUnavailable as exc:
            notes.append(f"{lang}: {exc}")
            continue
        results = engine.score([s.text for s, _ in items], [en for _, en in items])
        for (seg, _), (tokens, lps) in zip(items, results, strict=True):
            out[seg.id] = (tokens, lps, engine.name, engine.model_id)
    return out, "; ".join(notes)


def import_mt(store: Store, config: Config, doc_ref: int | str, path: str | Path, engine: str, actor: str, *,
              fmt: str | None = None, score: bool = True) -> MTImportReport:
    """Store English from another MT system as that engine's translations of a document's segments.

    Raises MTImportError (or another WorkbenchError) with one line, having changed nothing.
    """
    doc, found, report = read_external(store, doc_ref, path, engine, fmt=fmt)
    p = Path(path)
    segs = {s.id: s for s in store.segments(doc.id)}
    english = store.english_for(list(found))
    report.edited = sum(1 for sid in found if english[sid].origin not in ("mt", ""))
    scores: dict[str, tuple[list[str], list[float], str, str]] = {}
    if score:
        scores, report.score_note = score_english(config, [(segs[sid], inline.plain(en)) for sid, en in found.items()])
    else:
        report.score_note = "not scored (--no-score)"
    digest = hashlib.sha256(p.read_bytes()).hexdigest()[:12]
    items = []
    for sid, en in found.items():
        tokens, lps, scorer, scorer_model = scores.get(sid, ([], [], "", ""))
        key = f"external;{p.name[:80]}" + (f";scored={scorer}:{scorer_model[-80:]}" if lps else "")
        items.append((Translation(
            segment_id=sid, text=en, engine=engine, model_id=EXTERNAL_PREFIX + engine, model_revision=digest,
            options_key=key[:200], logprob=math.fsum(lps) if lps else None, token_logprobs=lps, tokens=tokens,
        ), segs[sid].text))
    report.imported = store.save_translations(
        items, actor=actor, event=("mt.import", f"doc:{doc.id}", f"{engine} {p.name}: {len(items)} segments"))
    report.scored = sum(1 for sid in found if sid in scores)
    return report


@dataclass
class ScoreReport:
    document: str
    segments: int = 0  # with English
    had_scores: int = 0  # the current English already had token scores
    scored: int = 0
    note: str = ""


def score_document(store: Store, config: Config, doc_ref: int | str, *, rescore: bool = False,
                   download: bool = True) -> ScoreReport:
    """Token scores, by forced decoding with the configured engine, for every segment of a document
    whose current English (edited, or imported without scores) has none; stored per English text."""
    doc = store.document(doc_ref)
    segs = [s for s in store.segments(doc.id) if s.lang in NLLB_CODES]
    english = store.english_for([s.id for s in segs])
    have = store.token_scores([s.id for s in segs])
    report = ScoreReport(document=doc.name)
    todo: list[tuple[Segment, str]] = []
    for seg in segs:
        text = english[seg.id].text
        if not text.strip():
            continue
        report.segments += 1
        if seg.id in have and not rescore:
            report.had_scores += 1
            continue
        todo.append((seg, text))
    if not todo:
        return report
    scores, report.note = score_english(config, todo, download=download)
    items = []
    for seg, text in todo:
        if seg.id not in scores:
            continue
        tokens, lps, engine, model_id = scores[seg.id]
        items.append(Translation(segment_id=seg.id, text=text, engine=engine, model_id=model_id,
                                 logprob=math.fsum(lps), token_logprobs=lps, tokens=tokens))
    report.scored = store.save_english_scores(items) if items else 0
    return report
