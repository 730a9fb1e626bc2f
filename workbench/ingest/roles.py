"""Segment roles: heading, content or boilerplate, decided per line of the page with its neighbours.

The cues are those of news pages in general (credits, captions, counters, "read also" links,
calls to follow the outlet, comment forms, author boxes, page footers, stray UI strings in another
language), not of particular articles. Every decision carries a reason the user sees and can
overrule; boilerplate is kept, only excluded from translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import morph
from ..text import normalize, words
from . import langid
from .segment import Block

HEADING = "heading"
CONTENT = "content"
BOILERPLATE = "boilerplate"

_END_PUNCT = re.compile(r"[.!?…:;»\"”“')\]]\s*$")
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("read-also link", re.compile(
        r"^(читайте|читайте также|читайте також|дивіться також|смотрите также|см\. также|по теме|на тему|"
        r"read( more| also)?|see also|related|більше новин|больше новостей|все новости|всі новини|"
        r"інші новини|другие новости|новини партнерів|новости партнеров)\b", re.I)),
    ("photo or video credit", re.compile(
        r"^(фото|photo|фотографи[яі]|ілюстрація|иллюстрация|джерело фото|источник фото|відео|видео|video|"
        r"скриншот|screenshot|credit|getty images|reuters|ap photo)\s*(:|з |с |із |by |–|—|-|$)", re.I)),
    ("call to follow or subscribe", re.compile(
        r"(підписуйтесь|підпишіться|подписывайтесь|подпишитесь|следите за|слідкуйте за|стежте за|"
        r"приєднуйтесь|присоединяйтесь|follow us|subscribe|поділитися|поделиться|share this|"
        r"на одному канале|на нашому каналі|на нашем канале|в google news|у google news|"
        r"в телеграм|у телеграм|в telegram|у telegram|у вайбер|в viber)", re.I)),
    ("comment form", re.compile(
        r"((e-?mail|електронн\w* адрес\w*|электронн\w* адрес\w*).{0,40}(не буде оприлюдн|не оприлюдн|"
        r"не будет опубликован|не публику|will not be published)|обов.язкові поля|обязательные поля|"
        r"required fields|^(залишити|оставить|написати|написать|додати|добавить|leave a) "
        r"(відповідь|коментар|комментарий|ответ|reply|comment))", re.I)),
    ("author box", re.compile(r"^(about the author|об авторе|про автора|автор:|author:)", re.I)),
    ("contributor or update note", re.compile(
        r"(зробили внесок|внесли вклад|contributed to this report|в подготовке материала|"
        r"у підготовці матеріалу|^(ця|эта|this) (історія|история|стаття|статья|story|article) "
        r"(була |была |has been )?(оновлена|обновлена|updated))", re.I)),
]
_JOB_TITLES = frozenset({"редактор", "автор", "кореспондент", "корреспондент", "журналіст", "журналист",
                         "фотограф", "оглядач", "обозреватель", "фотокореспондент", "фотокорреспондент",
                         "ведучий", "ведущий", "editor", "reporter", "correspondent"})
FIGURE_CAPTION = "figure caption"
CAPTION_CREDIT = "caption with photo credit"
# A caption that ends with its credit on the same line ("Name. Photo: Agency").
_TRAILING_CREDIT = re.compile(
    r"[.!?…]\s+(фото|photo|фотографи[яі]|ілюстрація|иллюстрация|джерело фото|источник фото|відео|видео|video)"
    r"\s*(:|–|—|-)\s*\S[^.!?]{0,60}$", re.I)
_COUNTER = re.compile(r"^[\s\-–—•*·|]*[\d\s.,:/\-–—]+[\s\-–—•*·|]*$")
_UI_WORDS = re.compile(r"\b(fullscreen|share|tweet|embed|print|close)\s*$", re.I)


@dataclass(frozen=True)
class Role:
    role: str
    reason: str


def _word_count(text: str) -> int:
    return len(words(text))


def _has_verb(text: str, lang: str) -> bool:
    if lang not in ("ru", "uk"):
        return True
    return any(morph.pos(t.text, lang) in ("VERB", "INFN", "PRTS", "GRND") for t in words(text))


def _latin_names(text: str) -> bool:
    return any(re.fullmatch(r"[A-Z][A-Za-z.\-]+", t.text) for t in words(text))


def _rule_role(block: Block, doc_lang: str) -> str | None:
    """A boilerplate reason from the line alone, or None."""
    text = normalize(block.text).strip()
    low = text.lower()
    for reason, pattern in _RULES:
        if pattern.search(low if reason != "read-also link" else text):
            return reason
    if _COUNTER.match(text):
        return "view counter or timestamp"
    if _TRAILING_CREDIT.search(text) and _word_count(text) <= 40:
        return CAPTION_CREDIT
    n = _word_count(text)
    if text.count(" | ") >= 2 and not _END_PUNCT.search(text):
        return "photo credit (agency list)"
    if n <= 6 and not _END_PUNCT.search(text):
        lemmas = {morph.lemma(t.text, doc_lang) for t in words(text)} if doc_lang in ("ru", "uk") else set()
        if lemmas & _JOB_TITLES:
            return "byline"
        if _latin_names(text) and not _has_verb(text, doc_lang) and langid.detect(text) in ("ru", "uk"):
            return "photo credit"
    line_lang = langid.detect(text)
    if doc_lang in ("ru", "uk") and line_lang in ("en", "other") and n <= 8:
        return f"stray {'English' if line_lang == 'en' else 'foreign-language'} line"
    items = [p.strip() for p in text.split(",")]
    if (len(items) >= 3 and all(0 < _word_count(p) <= 5 for p in items) and not _END_PUNCT.search(text)
            and not _has_verb(_UI_WORDS.sub("", text), doc_lang)):
        return "image keywords (alt text)"
    if _UI_WORDS.search(text) and not _END_PUNCT.search(text):
        return "page UI string"
    return None


def _is_heading_shape(block: Block, doc_lang: str, max_words: int) -> bool:
    text = block.text
    n = _word_count(text)
    if not (1 <= n <= max_words) or _END_PUNCT.search(text) and not text.rstrip().endswith(("\"", "»", "”")):
        return False
    if not (text[0].isupper() or text[0] in "\"«“"):
        return False
    toks = words(text)
    # A line that stops on an adjective, preposition or conjunction was cut off, not a title.
    last = morph.pos(toks[-1].text, doc_lang) if toks and doc_lang in ("ru", "uk") else ""
    return last not in ("ADJF", "PREP", "CONJ", "PRCL")


def classify(blocks: list[Block], doc_lang: str, elements: list[str] | None = None) -> list[Role]:
    """The role of each block of a document, with the reason. `elements`: the HTML element of each
    block, when the document came from HTML (a <figcaption> is a caption whatever its words)."""
    reasons = [_rule_role(b, doc_lang) for b in blocks]
    if elements is not None:
        reasons = [FIGURE_CAPTION if el == "figcaption" else r for r, el in zip(reasons, elements, strict=True)]
    roles: list[Role] = [Role(BOILERPLATE, r) if r else Role(CONTENT, "") for r in reasons]
    n = len(blocks)
    credit = {i for i, r in enumerate(reasons) if r and "credit" in r and r != CAPTION_CREDIT}
    alt = {i for i, r in enumerate(reasons) if r and ("alt text" in r or "UI string" in r)}
    for i, block in enumerate(blocks):
        if reasons[i]:
            continue
        # Captions sit right above a photo credit or right below an image's alt text. A credit on
        # the page's last line is for the lead photo, and the line above it is article text.
        above_credit = i + 1 in credit and i + 1 < n - 1
        if (above_credit or i - 1 in alt) and i > 0 and _word_count(block.text) <= 60:
            roles[i] = Role(BOILERPLATE, "photo caption")
            continue
        # A teaser that repeats an earlier line and trails off ("…") is page furniture.
        stem = normalize(block.text).rstrip("…. ").strip()
        if block.text.rstrip().endswith(("…", "...")) and i > 0 and len(stem) > 10 and any(
                normalize(b.text).startswith(stem) for b in blocks[:i]):
            roles[i] = Role(BOILERPLATE, "repeated teaser")
    # The page footer: from the first boilerplate line after which nothing long follows.
    footer_start = n
    for i in range(n - 1, -1, -1):
        if roles[i].role == BOILERPLATE:
            footer_start = i
        elif _word_count(blocks[i].text) > 30 or not any(r.role == BOILERPLATE for r in roles[i + 1:]):
            break
    if footer_start < n and footer_start >= n * 0.5:
        for i in range(footer_start, n):
            if roles[i].role != BOILERPLATE:
                roles[i] = Role(BOILERPLATE, "page footer after the article")
    for i, block in enumerate(blocks):
        if roles[i].role == BOILERPLATE:
            continue
        if i == 0 and n > 1 and _word_count(block.text) <= 30:
            roles[i] = Role(HEADING, "title line")
        elif _is_heading_shape(block, doc_lang, 16) and i + 1 < n:
            roles[i] = Role(HEADING, "short line without end punctuation")
    return roles
