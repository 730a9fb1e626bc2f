"""Russian and Ukrainian grammar from pymorphy3 parses: agreement and government errors of MT.

Three rules, each on two neighbouring words with only a space between them:
- adjective-noun agreement: a full adjective right before a noun must share its case,
  number and (in the singular) gender with it ("Западной Мидлендс", "новый машина");
- preposition-case government: the word right after a preposition must have a case the
  preposition governs ("из-за карантины");
- subject-verb agreement: a nominative noun or personal pronoun right before a finite verb must
  agree with it in number and, in the past, gender ("мама сказал"), in the present, person.
Every parse of both words is considered and a flag is raised only when no combination is
compatible (precision first): a word that may be another part of speech, a word the dictionary
does not know, an indeclinable word, and constructions where agreement is by meaning (numerals,
coordinated subjects, a woman minister with a masculine noun) are left alone. The tables are
grammar (closed word classes), not vocabulary.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import morph
from ..glossary import readings
from ..text import Token
from .base import PROPER, DocView, Emitter, check, low, tokens

AGREEMENT = check("grammar.agreement", "grammar", "error",
                  "an adjective right before a noun that agrees with it in no case, number and gender of any parse")
GOVERNMENT = check("grammar.government", "grammar", "error",
                   "a preposition followed by a word in none of the cases it governs ('из-за карантины')")
SUBJECT_VERB = check("grammar.subject_verb", "grammar", "error",
                     "a nominative noun or pronoun right before a finite verb that disagrees in number, gender or "
                     "person under every parse")

CHECKS = (AGREEMENT, GOVERNMENT, SUBJECT_VERB)

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "voct")
_CASE_OF = {"gen2": "gent", "loc2": "loct", "acc2": "accs", "gen1": "gent", "loc1": "loct", **{c: c for c in CASES}}
GENDERS = ("masc", "femn", "neut")

# Primary prepositions (none of them an adverb) and the cases they govern.
GOVERNS: dict[str, dict[str, frozenset[str]]] = {
    "ru": {p: frozenset(c.split()) for ps, c in (
        ("в во", "accs loct nomn"),  # nomn: "в депутаты", where the plural accusative equals it
        ("на", "accs loct"),
        ("с со", "gent ablt accs"),
        ("к ко", "datv"),
        ("о об обо", "loct accs"),
        ("от ото до из изо у без для из-за из-под", "gent"),
        ("по", "datv accs loct"),
        ("за", "accs ablt"),
        ("над надо перед передо", "ablt"),
        ("под подо", "accs ablt"),
        ("при", "loct"),
        ("про через сквозь", "accs"),
        ("между меж", "ablt gent"),
    ) for p in ps.split()},
    "uk": {p: frozenset(c.split()) for ps, c in (
        ("в у уві", "accs loct gent nomn"),  # "у нього" (gent), "піти в депутати"
        ("на", "accs loct"),
        ("з із зі зо", "gent ablt accs"),
        ("до від од без для із-за з-за з-під із-під", "gent"),
        ("по", "accs loct datv"),
        ("за", "accs ablt gent"),
        ("над перед", "ablt"),
        ("під", "accs ablt"),
        ("при", "loct"),
        ("про через", "accs"),
        ("між поміж", "ablt gent accs"),
        ("о об", "loct accs"),
    ) for p in ps.split()},
}
PERSONAL = {"ru": frozenset("я ты он она оно мы вы они".split()),
            "uk": frozenset("я ти він вона воно ми ви вони".split())}
# Nouns of quantity agree by meaning ("большинство пришли") and coordination makes a plural
# subject ("мама и папа пришли"): closed classes of the grammar.
QUANTITY = {"ru": frozenset("большинство меньшинство ряд часть множество масса половина треть четверть "
                            "группа пара сотня тысяча десяток дюжина число количество".split()),
            "uk": frozenset("більшість меншість ряд частина безліч маса половина третина чверть група пара "
                            "сотня тисяча десяток дюжина число кількість".split())}
COORDINATORS = {"ru": frozenset("и да или либо ни а но также".split()),
                "uk": frozenset("і й та або чи ні а але також".split())}
_NOMINAL = frozenset({"NOUN", "ADJF", "PRTF", "NPRO", "NUMR"})


@lru_cache(maxsize=200_000)
def _parses(word: str, lang: str) -> tuple[tuple[str | None, frozenset[str]], ...]:
    return tuple((r.pos, r.grammemes) for r in readings(word, lang))


@lru_cache(maxsize=200_000)
def _known(word: str, lang: str) -> bool:
    return morph.is_known(word, lang)


def _case(g: frozenset[str]) -> str:
    return next((_CASE_OF[x] for x in g if x in _CASE_OF), "")


def _only(word: str, lang: str, pos: set[str]) -> tuple[frozenset[str], ...]:
    """The word's parses when every one of them has a part of speech in `pos`, else ()."""
    ps = _parses(word, lang)
    if word.islower():  # a lowercase word is no name: drop the surname reading of "машину"
        ps = tuple(x for x in ps if not x[1] & PROPER) or ps
    if not ps or not _known(word, lang) or any(p not in pos for p, _ in ps):
        return ()
    if any({"Fixd", "Abbr", "Init"} & g for _, g in ps):
        return ()  # indeclinable or abbreviated: agrees with anything
    return tuple(g for _, g in ps)


def _agree(adj: frozenset[str], noun: frozenset[str]) -> bool:
    ca, cn = _case(adj), _case(noun)
    if not ca or not cn:
        return True
    if ca != cn and not (cn == "voct" and ca == "nomn"):
        return False
    if "plur" in noun or "Pltm" in noun:
        return "plur" in adj or "sing" not in adj
    if "plur" in adj:
        return False
    if "Ms-f" in noun or "GNdr" in noun or "GNdr" in adj:
        return True
    if not any(g in adj for g in GENDERS) or not any(g in noun for g in GENDERS):
        return True
    if not any(g in adj and g in noun for g in GENDERS):
        return False
    if ca == "accs" and "masc" in noun and ({"anim", "inan"} & adj) and not ({"anim", "inan"} & adj & noun):
        return False
    return True


def _subject_agrees(noun: frozenset[str], verb: frozenset[str]) -> bool:
    if "plur" in noun or "Pltm" in noun:
        return "plur" in verb or "sing" not in verb
    if "plur" in verb:
        return "sing" not in noun and "Sgtm" not in noun and not noun & {"1per", "2per", "3per"}
    if "past" in verb:
        vg = next((g for g in GENDERS if g in verb), "")
        ng = next((g for g in GENDERS if g in noun), "")
        if not vg or not ng or vg == ng or "Ms-f" in noun or "GNdr" in noun:
            return True
        # A masculine noun of a person may name a woman ("министр заявила"); 1st/2nd person
        # pronouns carry no gender of their own.
        return (ng == "masc" and vg == "femn" and "anim" in noun) or bool(noun & {"1per", "2per"})
    person = next((p for p in ("1per", "2per", "3per") if p in verb), "")
    own = next((p for p in ("1per", "2per", "3per") if p in noun), "3per")
    return not person or person == own


def _adjacent(text: str, a: Token, b: Token) -> bool:
    return not text[a.end:b.start].strip() and b.start > a.end


def _agreement(text: str, toks: tuple[Token, ...], lang: str) -> list[tuple[int, int, str]]:
    out = []
    for i in range(len(toks) - 1):
        a, n = toks[i], toks[i + 1]
        if not _adjacent(text, a, n) or n.text[:1].isupper() and not a.text[:1].isupper():
            continue
        adj = _only(a.text, lang, {"ADJF"})  # a participle takes objects: "вызвавший беспокойство"
        noun = _only(n.text, lang, {"NOUN"}) if adj else ()
        if not adj or not noun or any("Apro" in g for g in adj):
            continue
        # Numerals govern the case and number of what follows ("два новых дома", "21 новый случай").
        if any(re.search(r"\d", text[t.start - 4 if t.start >= 4 else 0:t.start]) or
               any(p == "NUMR" for p, _ in _parses(t.text, lang)) for t in toks[max(0, i - 2):i + 1]):
            continue
        if re.search(r"\d\S*\s*$", text[:a.start]):
            continue
        if any(_agree(x, y) for x in adj for y in noun):
            continue
        # A qualitative adjective may take a complement in the genitive, dative or instrumental
        # ("полный ярости", "довольными жизнью", "преданный делу"); a relational one does not
        # ("туристической отраслей" is an error). The Ukrainian dictionary does not mark quality.
        adj_cases = {_case(x) for x in adj}
        qualitative = lang != "ru" or any("Qual" in x for x in adj)
        complement = any(_case(y) in ("gent", "datv", "ablt") and (qualitative or _case(y) not in adj_cases)
                         for y in noun)
        if not complement and (adj_cases & {_case(y) for y in noun}
                               or all(_case(y) in ("nomn", "accs", "loct", "voct") for y in noun)):
            out.append((a.start, n.end, f"'{a.text}' does not agree with '{n.text}' in case, number or gender"))
    return out


def _government(text: str, toks: tuple[Token, ...], lang: str) -> list[tuple[int, int, str]]:
    out = []
    table = GOVERNS[lang]
    for i in range(len(toks) - 1):
        p, x = toks[i], toks[i + 1]
        governed = table.get(low(p.text))
        if not governed or not _adjacent(text, p, x) or text[p.end:p.end + 1] == ".":
            continue
        parses = _only(x.text, lang, _NOMINAL - {"NUMR"})
        if not parses or x.text[:1].isupper():
            continue  # names: the dictionary's case forms of foreign names are unreliable
        cases = {_case(g) for g in parses}
        end = x.end
        nxt = toks[i + 2] if i + 2 < len(toks) else None
        adjs = [g for g in parses if "ADJF" in g and "Apro" not in g]
        if nxt is not None and adjs and _adjacent(text, x, nxt) and not nxt.text[:1].isupper():
            # An adjective and its noun: the phrase has the cases in which the two agree
            # ("из-за новых карантины" is nominative whatever "новых" alone could be). A noun that
            # may be genitive may instead depend on a substantivized adjective ("на передовой борьбы").
            noun = _only(nxt.text, lang, {"NOUN"})
            if any(_case(n) == "gent" for n in noun):
                noun = ()
            phrase = {_case(a) for a in adjs for n in noun if _agree(a, n) and _case(a) == _case(n)}
            if phrase:
                cases, end = phrase, nxt.end
        if "" in cases or cases & governed:
            continue
        out.append((p.start, end, f"'{p.text}' takes the {'/'.join(sorted(_CASE_NAMES[c] for c in governed))}, "
                    f"'{text[x.start:end]}' is {'/'.join(sorted(_CASE_NAMES[c] for c in cases))}"))
    return out


_CASE_NAMES = {"nomn": "nominative", "gent": "genitive", "datv": "dative", "accs": "accusative",
               "ablt": "instrumental", "loct": "prepositional", "voct": "vocative"}


def _subject_verb(text: str, toks: tuple[Token, ...], lang: str) -> list[tuple[int, int, str]]:
    out = []
    for i in range(len(toks) - 1):
        n, v = toks[i], toks[i + 1]
        if not _adjacent(text, n, v):
            continue
        w = low(n.text)
        if w in QUANTITY[lang] or "-" in w:
            continue  # quantities agree by meaning; compounds ("рок-звезда") by the person meant
        if w in PERSONAL[lang]:
            noun = _only(n.text, lang, {"NPRO"})
        else:
            noun = _only(n.text, lang, {"NOUN"})
        if not noun or any(_case(g) != "nomn" for g in noun):
            continue  # only a word that cannot be anything but nominative is surely the subject
        verb = _only(v.text, lang, {"VERB"})
        if not verb or any(g & {"impr", "INFN"} or not g & {"past", "pres", "futr"} for g in verb):
            continue
        before = text[:n.start]
        # Coordinated subjects and lists ("мама и папа", "министр, его заместитель") and quoted or
        # cited speech ("сказал он") are left alone; so is a noun after a preposition.
        prev = toks[i - 1] if i else None
        if prev is not None and (low(prev.text) in COORDINATORS[lang] or low(prev.text) in GOVERNS[lang]):
            continue
        if re.search(r"[,;:—–-]\s*$", before) and i:
            continue
        window = [low(t.text) for t in toks[max(0, i - 3):i]]
        if any(t in COORDINATORS[lang] for t in window):
            continue
        if not any(_subject_agrees(x, y) for x in noun for y in verb):
            out.append((n.start, v.end, f"'{n.text}' and '{v.text}' disagree in number, gender or person"))
    return out


def detect(view: DocView, emit: Emitter) -> None:
    rules = ((AGREEMENT, _agreement), (GOVERNMENT, _government), (SUBJECT_VERB, _subject_verb))
    if not emit.any_on(c for c, _ in rules):
        return
    for item in view.items:
        lang = view.seg_lang(item)
        if not lang or item.seg.role == "boilerplate":
            continue
        text = item.seg.text
        toks = tokens(text)
        for c, rule in rules:
            if emit.on(c):
                for s, e, message in rule(text, toks, lang):
                    emit.flag(c, item.seg.id, "source", s, e, message, confidence=0.6)
