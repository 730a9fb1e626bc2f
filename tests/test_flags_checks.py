"""The quality-estimation checks, one rule at a time, on sentences written for these tests.

Each check gets broken sentences it must flag and clean ones (ru, uk, en) it must leave alone.
The Hunspell dictionaries are the system's (scripts/system-deps.sh installs them).
"""

from __future__ import annotations

import pytest

from workbench import hunspell
from workbench.config import Config
from workbench.flags import DocView, SegmentView, _run
from workbench.records import Document, Segment


def notes_of(lines: list[str], lang: str = "ru") -> list[str]:
    segs = [Segment(id=str(i), doc_id=1, index=i, start=0, end=len(t), text=t, lang=lang) for i, t in enumerate(lines)]
    doc = Document(id=1, name="t", sha256="", text="\n".join(lines), lang=lang, encoding="utf-8", segments=segs)
    return _run(DocView(doc, [SegmentView(s) for s in segs]), Config())[1]


def flags_of(lines: list[str], lang: str = "ru", english: list[str] | None = None, *, checks: str = "",
             paragraph_per_line: bool = True) -> list:
    """Run every check (or the named check/family) over the lines as one document."""
    segs, start = [], 0
    for i, line in enumerate(lines):
        segs.append(Segment(id=str(i), doc_id=1, index=i, start=start, end=start + len(line), text=line, lang=lang,
                            paragraph=i if paragraph_per_line else 0))
        start += len(line) + 1
    doc = Document(id=1, name="t", sha256="", text="\n".join(lines), lang=lang, encoding="utf-8", segments=segs)
    view = DocView(doc, [SegmentView(s, english[i] if english else "") for i, s in enumerate(segs)])
    flags, _ = _run(view, Config())
    if checks:
        flags = [f for f in flags if f.detector == checks or f.detector.split(".")[0] == checks]
    return flags


def spans(lines: list[str], checks: str, lang: str = "ru", english: list[str] | None = None,
          side: str = "source") -> list[str]:
    out = []
    for f in flags_of(lines, lang, english, checks=checks):
        if f.side != side:
            continue
        text = lines[int(f.segment_id)] if side == "source" else (english or [])[int(f.segment_id)]
        out.append(text[f.start:f.end])
    return out


# --- untranslated ---------------------------------------------------------------------------------
def test_english_words_left_in_russian_and_ukrainian_are_flagged() -> None:
    assert spans(["Врачи рекомендуют делать booster shots каждые полгода."], "untranslated.latin") == \
        ["booster shots"]
    assert spans(["Уряд пообіцяв підтримати farmers у західних областях."], "untranslated.latin", "uk") == \
        ["farmers"]
    # A whole English phrase under a title-case name is still English, not a name.
    assert spans(["Газета пишет: Sunday Herald reports strong growth in exports."], "untranslated.latin")


def test_names_acronyms_urls_code_and_units_are_not_untranslated_words() -> None:
    clean = ["Интервью вышло в программе Meet the Press на канале NBC.",
             "Новый iPhone продается на сайте shop.example.com и через @store_news.",
             "Скорость достигла 120 km/h, а расход — 5 l на сотню.",
             "Запустите команду git_status в терминале, тег #travel набрал тысячу отметок.",
             "Модель X5 выпускается с 2019 года, пишет e-mail рассылка компании.",
             "Компанія Apple відкрила магазин у Києві."]
    assert spans(clean, "untranslated.latin") == []


def test_latin_names_in_russian_are_a_note() -> None:
    found = flags_of(["Премьер-министр Johnson встретился с коллегами."], checks="untranslated.latin_name")
    assert [f.level for f in found] == ["note"]
    assert flags_of(["Премьер-министр Джонсон встретился с коллегами."], checks="untranslated") == []


def test_names_the_language_commonly_writes_in_latin_are_no_note() -> None:
    # Russian and Ukrainian news keep brands and media in Latin letters ("Facebook", "BBC")
    assert flags_of(["Компания Facebook и служба BBC сообщили об этом."], checks="untranslated") == []
    assert flags_of(["Компанія Facebook повідомила про збій, пише BBC."], "uk", checks="untranslated") == []
    # a person's name is transliterated: still a note
    assert spans(["Актер Hugh Jackman написал об этом в Facebook."], "untranslated.latin_name") == \
        ["Hugh", "Jackman"]


def test_cyrillic_left_in_english_is_flagged_but_not_domains_or_unit_letters() -> None:
    assert spans(["Мэр заявил о мерах."], "untranslated.cyrillic", english=["The mayor announced мерах."],
                 side="target") == ["мерах"]
    clean = ["Forecasters expect 22°С in the capital, the site погода.рф reports."]
    assert spans(["Синоптики ждут 22°С, сообщает сайт погода.рф."], "untranslated.cyrillic", english=clean,
                 side="target") == []


# --- spelling -------------------------------------------------------------------------------------
def test_misspellings_one_letter_from_a_word_are_flagged_with_the_word() -> None:
    line = "Правительство обещало, что армия не вторгется в соседнюю страну."
    found = flags_of([line], checks="spelling")
    assert [line[f.start:f.end] for f in found] == ["вторгется"]
    assert found[0].suggestion in {"вторгнется", "вторгается"}
    assert spans(["Міністр сказав, що ситуаця покращилася після зустрічі."], "spelling", "uk") == ["ситуаця"]
    assert spans(["Компания опубликовала огранизованный отчет."], "spelling") == ["огранизованный"]


def test_known_words_names_abbreviations_and_loanwords_are_not_misspellings() -> None:
    clean = ["Губернатор Тихомиров посетил обл. больницу и встретился с врачами.",
             "Спортсмены сделали тачдаун, сообщает ТАСС.",
             "Еще одна новость: ёлку поставили на площади.",
             "Сине-зеленые водоросли заполнили пруд.",
             "Это несмертельное, но светошумовое оружие."]  # a prefix or a linking vowel joins known words
    # "тачдаун": a loanword the dictionaries lack but people write (wordfreq has seen it): no flag
    assert spans(clean, "spelling") == []
    assert spans(["Президент підписав указ про підтримку фермерів."], "spelling", "uk") == []
    # A word no dictionary knows, nobody writes and no dictionary word is near: a note, not a misspelling.
    found = flags_of(["Спортсмены провели флюмбертацию в конце матча."], checks="spelling")
    assert [(f.detector, f.level) for f in found] == [("spelling.unknown", "note")]


def test_a_misspelling_is_far_rarer_than_the_word_it_misses() -> None:
    # "спрей" is one letter from the dictionary's rare "сопрей", but far commoner than it: a loanword
    assert spans(["Полиция применила перцовый спрей против толпы."], "spelling") == []
    # of the dictionary words one letter away the commonest is the one meant ("вощеные" is one too)
    found = flags_of(["Военые учения прошли на полигоне, военые довольны."], checks="spelling")
    assert [f.suggestion for f in found] == ["военные"]
    assert spans(["Редакция агенства сообщила о переносе встречи."], "spelling.non_word") == ["агенства"]


def test_without_dictionaries_the_hunspell_checks_are_skipped_with_a_note(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path) -> None:
    monkeypatch.setattr(hunspell, "_DEFAULT_DIRS", ())
    monkeypatch.setenv("DICPATH", str(tmp_path))
    hunspell.forget()
    try:
        notes = notes_of(["Армия не вторгется, сказал он про booster shots."])
    finally:
        monkeypatch.undo()
        hunspell.forget()
    assert any("spelling.non_word" in n and "hunspell-ru" in n for n in notes)
    assert any("untranslated.latin" in n and "hunspell-en-us" in n for n in notes)


# --- grammar --------------------------------------------------------------------------------------
def test_adjective_noun_disagreement_is_flagged() -> None:
    assert spans(["Он купил новый машину у соседа."], "grammar.agreement") == ["новый машину"]
    assert spans(["Министр говорил о туристической отраслей страны."], "grammar.agreement") == \
        ["туристической отраслей"]
    assert spans(["Вона купила новий машину в сусіда."], "grammar.agreement", "uk") == ["новий машину"]


def test_agreeing_adjectives_complements_and_numerals_are_not_flagged() -> None:
    clean = ["Он купил новую машину у соседа.",
             "Зал был полон людей, и все выглядели довольными жизнью.",  # complements of adjectives
             "Два новых дома построили за год.",  # numerals govern the noun
             "Врачи лечат больных коронавирусом в новой больнице.",
             "Вызвавший беспокойство доклад обсудили в среду."]  # a participle and its object
    assert spans(clean, "grammar.agreement") == []
    assert spans(["Вона купила нову машину в сусіда."], "grammar.agreement", "uk") == []


def test_preposition_followed_by_a_case_it_does_not_govern_is_flagged() -> None:
    assert spans(["Рейсы отменили из-за карантины в регионе."], "grammar.government") == ["из-за карантины"]
    assert spans(["Письмо передали в полицией вчера."], "grammar.government") == ["в полицией"]
    assert spans(["Рейсы отменили из-за новых карантины."], "grammar.government") == ["из-за новых карантины"]
    assert spans(["Лист передали до поліцією вчора."], "grammar.government", "uk") == ["до поліцією"]
    clean = ["Рейсы отменили из-за карантина в регионе.", "Он пришел к нему с новостями о выборах.",
             "В течение года цены выросли на 5 процентов.", "Мы говорили про погоду и за жизнь.",
             "Врачи работают на передовой борьбы с вирусом."]  # a substantivized adjective
    assert spans(clean, "grammar.government") == []
    assert spans(["У нього є план, і до нього прийшли по допомогу."], "grammar.government", "uk") == []


def test_subject_verb_disagreement_is_flagged_but_not_coordination_or_meaning() -> None:
    assert spans(["Вчера мама сказал, что придет позже."], "grammar.subject_verb") == ["мама сказал"]
    assert spans(["Они говорит о новых планах."], "grammar.subject_verb") == ["Они говорит"]
    assert spans(["Учора мама сказав, що прийде пізніше."], "grammar.subject_verb", "uk") == ["мама сказав"]
    clean = ["Вчера мама сказала, что придет позже.", "Мама и папа пришли домой.",
             "Министр заявила о новых мерах.", "Большинство проголосовали за закон.",
             "Они говорят о новых планах."]
    assert spans(clean, "grammar.subject_verb") == []
    assert spans(["Мама і тато прийшли додому."], "grammar.subject_verb", "uk") == []


# --- numbers, dates, times, names -----------------------------------------------------------------
NUMBER_PAIRS = [  # (source, lang, English): the same numbers written the way each language writes them
    ("Компания продала 2.256 машин.", "ru", "The company sold 2,256 cars."),
    ("Книгу купили 6 152 524 читателя.", "ru", "The book was bought by 6,152,524 readers."),
    ("Клуб заплатил 75 млн фунтов, а спонсор добавил 1,2 млрд долларов.", "ru",
     "The club paid £75m and the sponsor added $1.2bn."),
    ("Бюджет склав 5 млн гривень.", "uk", "The budget was 5 million hryvnias."),
    ("Трещина длиной 2 см появилась на стене.", "ru", "A 2cm crack appeared on the wall."),
    ("Засідання відбудеться 10.04.2022 о 17:00.", "uk", "The meeting will take place on April 10, 2022 at 5:00 p.m."),
    ("Поезд прибыл в 23:30, а не в 19.45.", "ru", "The train arrived at 11:30 p.m., not at 7:45 p.m."),
    ("Це сталося на 12-ій хвилині матчу.", "uk", "It happened in the 12th minute of the match."),
    ("На акцію прийшло тисяч 100 людей.", "uk", "Some 100,000 people came to the rally."),
    ("Суд засудив дванадцяти обвинувачених, кожному дали двадцять п'ять років.", "uk",
     "The court sentenced 12 defendants, each to 25 years."),
    ("В парке посадили 7 деревьев и 31 куст.", "ru", "Seven trees and thirty-one bushes were planted in the park."),
    ("Заседание прошло 26 июля, о нем писали в XVI веке.", "ru", "The session was held on July 26th, as in the 16th."),
    ("За сутки в городе выявили 120 случаев.", "ru", "In the past 24 hours, the city recorded 120 cases."),
    ("Эту музыку слушали в 80-е, а в 90-х забыли.", "ru", "This music was popular in the 1980s and forgotten in the '90s."),
    ("Будинок звели у 30-ті роки.", "uk", "The house was built in the 1930's."),
]


def test_numbers_written_differently_are_not_flagged() -> None:
    for src, lang, en in NUMBER_PAIRS:
        assert flags_of([src], lang, [en], checks="consistency.number") == [], (src, en)
        assert flags_of([src], lang, [en], checks="consistency.date") == [], (src, en)


def test_changed_or_missing_numbers_are_still_flagged() -> None:
    found = flags_of(["Компания продала 2.256 машин за 5 млн рублей."], "ru",
                     ["The company sold 2,265 cars for 5 million rubles."], checks="consistency.number")
    assert sorted((f.side, f.start) for f in found) == [("source", 17), ("target", 17)]
    assert spans(["Засідання відбудеться о 17:00."], "consistency.number", "uk",
                 ["The meeting will take place at 6 p.m."]) == ["17:00"]
    assert spans(["Клуб заплатил 75 млн фунтов."], "consistency.number", "ru", ["The club paid £57m."]) == ["75 млн"]
    # a decade is not any year: the 1980s are not the 70-е
    assert spans(["Эту музыку слушали в 70-е."], "consistency.number", "ru",
                 ["This music was popular in the 1980s."]) == ["70"]


def test_transliterated_names_are_found_in_the_english() -> None:
    pairs = [("Гриффитс заявил журналистам о победе.", "Griffiths told reporters about the win."),
             ("Ханна приехала в Лондон вместе с Уэстом.", "Hannah came to London with West."),
             ("Джон Майкл Роджерс выступил на Даунинг-стрит.", "John Michael Rogers spoke on Downing Street."),
             # names spelled by French, Spanish, Italian/German and Chinese (pinyin) rules
             ("Вчера Шарль и Ксавье встретились в кафе.", "Yesterday Charles and Xavier met in a cafe."),
             ("В пятницу Хорхе позвонил Хуану.", "On Friday Jorge called Juan."),
             ("Тренер Маццола похвалил Росси.", "Coach Mazzola praised Rossi."),
             ("Председатель Си Цзиньпин принял Чжан Лина.", "Chairman Xi Jinping received Zhang Ling.")]
    for src, en in pairs:
        assert flags_of([src], "ru", [en], checks="consistency.name") == [], src
    assert spans(["Гриффитс заявил журналистам о победе."], "consistency.name", "ru",
                 ["Smith told reporters about the win."]) == ["Гриффитс"]
    assert spans(["В пятницу Хорхе позвонил Хуану."], "consistency.name", "ru",
                 ["On Friday Jorge called Pedro."]) == ["Хуану"]


def test_quoted_names_need_no_quotes_in_english_but_quoted_speech_does() -> None:
    src = ["Об этом сообщила газета «Вечерние новости», а ракета «Протон-М» стартовала."]
    assert flags_of(src, "ru", ["The Evening News reported this, and the Proton-M rocket lifted off."],
                    checks="consistency.quote") == []
    speech = ["Министр сказал: «мы не будем повышать налоги в этом году»."]
    assert spans(speech, "consistency.quote", "ru", ["The minister said he would not raise taxes this year."]) == \
        ["«мы не будем повышать налоги в этом году»"]


def test_english_quoting_by_its_own_style_is_not_a_missing_quotation() -> None:
    pairs = [  # single quotes; a quotation English closes in a later sentence; a headline's colon
        ("Актриса сказала, что хочет «научить детей ценить свой труд».",
         "The actress said she wants 'to teach the children to value their work'."),
        ("Министр пообещал, что «налоги в этом году точно не вырастут».",
         'The minister promised that "taxes will certainly not rise this year.'),
        ("Министр финансов: «Налоги в этом году точно не вырастут»",
         "Finance minister: Taxes will certainly not rise this year"),
    ]
    for src, en in pairs:
        assert flags_of([src], "ru", [en], checks="consistency.quote") == [], src
    assert spans([pairs[0][0]], "consistency.quote", "ru", ["The actress said she wants her children to work hard."]) \
        == ["«научить детей ценить свой труд»"]


def test_acronyms_english_spells_out_or_writes_as_a_name_are_kept() -> None:
    src = ["Агентство AP сообщило, что программа RECOVERY продлится до осени."]
    assert flags_of(src, "ru", ["The Associated Press reported that the Recovery programme will run until autumn."],
                    checks="qa.tokens") == []
    assert spans(src, "qa.tokens", "ru", ["The agency reported that the Recovery programme will run until autumn."]) \
        == ["AP"]


def test_a_word_referred_back_to_in_another_form_is_no_repetition() -> None:
    natural = [("ru", "Страна вошла в список стран, безопасных для поездок."),
               ("uk", "Місто увійшло до списку міст, безпечних для туристів.")]
    for lang, line in natural:
        assert flags_of([line], lang, checks="artifacts.repetition") == [], line
    # the same form twice, or a name again, is still a doubled phrase
    assert spans(["Власти утвердили бюджет на заседании, где обсуждали бюджет города."], "artifacts.repetition") != []
    assert spans(["Делегация прибыла в Варшаву на встречу в Варшаве с премьером."], "artifacts.repetition") == \
        ["Варшаву на встречу в Варшаве"]


def test_a_stop_ending_an_abbreviation_before_a_comma_is_not_doubled_punctuation() -> None:
    clean = ["Банк попал под санкции в конце 2016 г., когда дело передали в суд.",
             "Пьеса, впервые поставленная в 472 г. до н. э., считается старейшей."]
    assert flags_of(clean, checks="artifacts.doubled_punctuation") == []
    assert flags_of(["Компанія повідомила про це 5 серп., додавши подробиці."], "uk",
                    checks="artifacts.doubled_punctuation") == []
    assert spans(["Банк."], "artifacts.doubled_punctuation", "ru",
                 ["The deal was signed by Apple Inc., the maker of phones."], side="target") == []
    # after a whole word the stop is a slip: the sentence goes on
    assert spans(["Министр заявил., что переговоры продолжатся."], "artifacts.doubled_punctuation") == [".,"]
    assert spans(["Банк."], "artifacts.doubled_punctuation", "ru", ["The minister said., that talks go on."],
                 side="target") == [".,"]


# --- quotes and brackets --------------------------------------------------------------------------
def test_emoticons_are_not_unpaired_brackets() -> None:
    lines = ["Спасибо всем за поздравления :) Увидимся в субботу ;-(", "Ну что ж, до встречи)))",
             "Дякую всім :-) Побачимось у суботу."]
    assert flags_of(lines, checks="qa.brackets") == []
    assert spans(["Министр (в отставке заявил об этом вчера."], "qa.brackets") == ["("]


def test_quotations_spanning_sentences_and_paragraphs_are_not_unpaired() -> None:
    one_paragraph = ["«Мы готовы к переговорам.", "Но условия должны быть честными», — сказал он."]
    assert flags_of(one_paragraph, checks="qa.quotes", paragraph_per_line=False) == []
    # A quotation continued over paragraphs: each paragraph opens with a quote mark.
    continued = ["«Мы готовы к переговорам.", "«Но условия должны быть честными», — сказал он."]
    assert flags_of(continued, checks="qa.quotes") == []
    assert spans(["«Мы готовы к переговорам, сказал он.", "Переговоры начнутся в понедельник."], "qa.quotes") == \
        ["«"]
    # a sentence checked on its own: its quotation may open or close in the sentences around it
    assert flags_of(["Он сказал: «Мы готовы к переговорам."], checks="qa.quotes") == []
    assert flags_of(["Но условия должны быть честными», — сказал він."], "uk", checks="qa.quotes") == []
    assert spans(["Он сказал: «Мы готовы к переговорам”."], "qa.quotes") == ["”"]  # a mismatched pair still is


# --- checks that fired as much on human text ------------------------------------------------------
def test_a_colon_before_a_quotation_is_no_cut_off_and_legit_doubles_are_no_repeats() -> None:
    assert flags_of(["Представитель ведомства заявил:", "«Работы завершатся к осени»."],
                    checks="artifacts.cut_off") == []
    assert spans(["Представитель ведомства заявил, что работы в"], "artifacts.cut_off")
    assert flags_of(["Он сказал."], "ru", ["He said he had had enough of Bora Bora."], checks="qa.repeated_word") == []
    assert spans(["Он сказал, что что переговоры продолжатся."], "qa.repeated_word") == ["что что"]


def test_an_acronym_opening_a_sentence_is_no_caps_lead_in() -> None:
    lines = ["Новость дня.", "HSBC не фабриковал доказательства, заявили в банке.", "Конец новости."]
    assert flags_of(lines, checks="boilerplate.cue") == []
    assert flags_of(["NASA повідомило про запуск нової місії."], "uk", checks="boilerplate.cue") == []
    # the label of a link to another story is ordinary English in capitals
    found = flags_of(["Новость дня.", "ALSO READ  Другая новость о транспорте", "Конец новости."],
                     checks="boilerplate.cue")
    assert [f.segment_id for f in found] == ["1"]


def test_a_segment_left_in_english_is_untranslated_even_in_title_case() -> None:
    line = "Storm and Flood Devastate a Coastal Town (англ.)"
    assert spans([line], "untranslated.latin") == ["Storm and Flood Devastate a Coastal Town"]
    assert spans(["Агентство Reuters и газета The Times сообщили об этом."], "untranslated.latin") == []


def test_roman_numerals_and_headlines_without_a_full_stop_are_fine_in_english() -> None:
    src = ["Корабль XVI века восстановили к II кварталу."]
    assert flags_of(src, "ru", ["The 16th-century ship was restored by the second quarter."], checks="qa.tokens") == []
    assert spans(["Сделку одобрил НАТО и CNN сообщил об этом."], "qa.tokens", "ru",
                 ["The deal was approved by the alliance, the channel reported."]) == ["CNN"]
    assert flags_of(["Рекорд России побит."], "ru", ["Russian record broken"], checks="qa.end_punctuation") == []
    assert flags_of(["Рекорд России побит."], "ru", ["Russian record broken?"], checks="qa.end_punctuation")
