"""English typed in a question is read as Chinese through bot/language/en.yaml before the question is analysed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.engine.matching import Matcher, Status
from bot.engine.render import to_json
from bot.language.english import EnglishReader, lemma_forms, load_rows, place_rows

# ---- the translator alone --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> EnglishReader:
    """A reader with a handful of rows, so each test shows the mechanism, not the shipped data."""
    return EnglishReader(
        {
            "how many": "多少",
            "bed": "床位",
            "nursing bed": "护理型床位",
            "nursing home": "养老机构",
            "company": "企业",
            "introduce": "介绍",
            "the": "",
            "you": "",
            "rank": "排名第几",
        }
    )


def test_the_longest_phrase_wins(small: EnglishReader) -> None:
    assert small.read("how many nursing beds") == "多少护理型床位"
    assert small.read("how many beds") == "多少床位"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("companies", "企业"),  # ies → y
        ("nursing homes", "养老机构"),  # s, on the last word of a phrase
        ("the company's beds", "企业床位"),  # possessive, and a silent word dropped
        ("companies' beds", "企业床位"),
        ("introduced", "介绍"),  # a verb ending
        ("introducing", "介绍"),
        ("How Many Beds".lower(), "多少床位"),
    ],
)
def test_inflections_are_read_from_one_row(small: EnglishReader, typed: str, read: str) -> None:
    assert small.read(typed) == read


def test_lemma_forms_try_the_word_first() -> None:
    assert lemma_forms("beds")[:2] == ["beds", "bed"]
    assert "facility" in lemma_forms("facilities")
    assert lemma_forms("county's")[0] == "county"


def test_unknown_words_are_left_as_typed(small: EnglishReader) -> None:
    assert small.read("how many beds in wifi") == "多少床位 in wifi"
    assert small.read("wifi有没有") == "wifi有没有"  # nothing known: the text itself
    text = "platform"
    assert small.read(text) is text


def test_words_match_whole_not_inside_other_words(small: EnglishReader) -> None:
    assert small.read("bedside") == "bedside"
    assert small.read("theory") == "theory"


def test_pinyin_is_not_mangled() -> None:
    reader = EnglishReader.for_place(["交城县", "交城"])
    # you, an, long, men also spell pinyin: beside other pinyin they are pinyin
    assert reader.read("shegongzhan you ji ge") == "shegongzhan you ji ge"
    assert reader.read("yanglao chuangwei duoshao zhang") == "yanglao chuangwei duoshao zhang"
    assert reader.read("jiaocheng xiaoji fuhefei qiye you duoshao hu") == "jiaocheng xiaoji fuhefei qiye you duoshao hu"
    # English that is not pinyin is read even beside pinyin; the pinyin stays for the pinyin reader
    assert reader.read("yanglao chuangwei how many") == "yanglao chuangwei 多少"
    # lone letters next to figures are not words (3A级)
    assert reader.read("3a级景区") == "3a级景区"


def test_places_are_known_in_pinyin_with_the_home_place_first() -> None:
    rows = place_rows(["山西", "吕梁", "陕西"])
    assert rows["shanxi"] == "山西"  # the first listed keeps a shared spelling
    assert rows["lvliang"] == rows["luliang"] == "吕梁"
    reader = EnglishReader.for_place(["交城县", "交城", "吕梁", "文水"])
    assert reader.read("how many people live in wenshui?") == "多少人住文水?"
    assert reader.read("lüliang's") == "吕梁"
    assert reader.read("jiaocheng county") == "交城县"


def test_synonyms_lend_their_english_but_the_lexicon_wins() -> None:
    reader = EnglishReader.for_place([], [["中国钙都", "钙都", "calcium capital"], ["专利", "patent", "patents"]])
    assert reader.read("calcium capital") == "中国钙都"
    assert reader.read("patents") == load_rows()["patent"]


@pytest.fixture(scope="module")
def ordered() -> EnglishReader:
    """A small reader that knows which phrases name things, and English's owner word."""
    rows = {
        "how many": "多少", "what is": "是什么", "which": "哪个", "household": "户", "elderly": "老人",
        "export value": "出口额", "product": "产品", "company": "企业", "revision": "修订", "standard": "标准",
        "occupancy rate": "入住率", "nursing home": "养老机构", "the": "", "of": "", "do": "", "does": "",
        "have": "有", "bed": "床位", "how much were": "是多少", "subsidy": "补贴", "work": "工作", "people": "人",
    }
    nouns = ["household", "elderly", "export value", "product", "company", "revision", "standard",
             "occupancy rate", "nursing home", "bed", "subsidy", "people"]
    return EnglishReader(rows, nouns=nouns, owners=["of"], articles=["the"], asked_after=["what is", "how much were"],
                         counting=["多少"], auxiliaries=["do", "does"], asking=["多少", "什么", "哪"])


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("the export value of the products", "产品的出口额"),  # the owner first, as Chinese puts it
        ("what is the occupancy rate of the nursing homes", "养老机构的入住率是什么"),  # and what is asked after it
        ("which company led the revision of the standard", "哪个企业 led 标准的修订"),  # the phrase starts at its article
        ("how many households of elderly", "多少户老人"),  # a phrase counted keeps its order
        ("what is the standard", "标准是什么"),
        ("the export value of led", "出口额 led"),  # no thing after the owner word: as typed
        ("the company's export value of the products", "企业产品的出口额"),  # a possessive owns the whole phrase
        ("how many beds do the nursing homes have", "养老机构有多少床位"),  # asked first in English, last in Chinese
        ("how many beds does the nursing home zorb", "多少床位养老机构 zorb"),  # a word not read: all left in place
        ("how many people work", "多少人工作"),  # no auxiliary: the people counted are the subject
        ("how much were the subsidies", "补贴是多少"),  # how much the thing after it is
    ],
)
def test_english_word_order_is_read_in_chinese_order(ordered: EnglishReader, typed: str, read: str) -> None:
    assert ordered.read(typed) == read


def test_the_shipped_lexicon_reads_frames_measures_and_levels() -> None:
    rows = load_rows()
    assert rows["how many"] == "多少" and rows["who"] == "谁" and rows["occupancy rate"] == "入住率"
    assert rows["national"] == "国家级" and rows["social work station"] == "社工站"
    reader = EnglishReader(rows)
    assert reader.read("国家级high-tech enterprises ranking第几") == "国家级高新技术企业排名第几"
    assert reader.read("r&d centers") == "技术研发中心"


# ---- through the matcher ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "entry_id", "figure"),
    [
        ("How many beds in elderly care?", "elder-beds", "985张"),
        ("What is the occupancy rate of nursing homes in Jiaocheng?", "elder-occupancy-rate", "70%"),
        ("Who introduced the development zone?", "about-speaker-wang-xiangqian", "王向前"),
        ("nitro fertilizer企业有几户", "fert-enterprise-count", "33户"),
        ("国家级high-tech enterprises ranking第几", "tech-high-tech-enterprises", "全市第一"),
    ],
)
def test_english_questions_get_the_chinese_answer(matcher: Matcher, question: str, entry_id: str, figure: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED, result
    assert result.entry is not None and result.entry.id == entry_id
    assert figure in result.entry.answer


@pytest.mark.parametrize(
    "question",
    [
        "What's the weather in Jiaocheng?",
        "How many people live in Wenshui?",
        "交城的population有多少",
        "Lishi District 有多少户国家级高新技术企业？",  # another place of the city, with its English kind
    ],
)
def test_english_out_of_scope_questions_are_declined(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status not in (Status.ANSWERED, Status.PARTIAL)


def test_pinyin_questions_still_read_as_pinyin(matcher: Matcher) -> None:
    result = matcher.match("shegongzhan you ji ge")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == "elder-social-work-stations"


@pytest.mark.slow
def test_ask_json_answers_english_in_chinese() -> None:
    """The command line, as a clerk or a script would run it: one English question, one Chinese answer."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "How many nursing beds?"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    reply = json.loads(done.stdout)
    assert reply["status"] == "answered"
    assert "410张" in reply["answer"] and reply["citation"] is not None


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("how much was invested since 2022", "2022年以来"),
        ("the target by the end of 2030", "到2030年底"),
        ("new capacity in 2025", "2025年"),
        ("the 14th five-year plan for elderly care", "“十四五”规划"),
    ],
)
def test_a_year_said_around_its_digits_is_read_as_the_release_writes_it(typed: str, read: str) -> None:
    assert read in EnglishReader.for_place().read(typed)


def test_a_question_in_english_with_a_year_finds_the_figure_of_that_year(matcher: Matcher) -> None:
    reply = to_json(matcher.match("How much did the county invest in rural roads since 2022?"), matcher.kb)
    assert reply["status"] == "answered" and "2.78亿元" in reply["answer"]


def test_a_chinese_term_inside_an_english_sentence_keeps_the_question_whole(matcher: Matcher) -> None:
    """The spaces around 硝基复合肥 were the English's: read as Chinese, the question is not cut in two, and the
    second question after "and" gets its own answer."""
    result = matcher.match("how many 硝基复合肥 companies does Jiaocheng have and what's the total capacity")
    assert result.status is Status.ANSWERED and result.compound
    said = " ".join(p.entry.answer for p in result.parts if p.entry is not None)
    assert "33户" in said and "300万吨" in said


def test_a_chinese_clause_between_english_words_stays_a_clause_of_its_own(matcher: Matcher) -> None:
    result = matcher.match("交城硝基肥 capacity 占全国百分之几啊 market share 国际上呢")
    said = " ".join(p.entry.answer for p in result.parts if p.entry is not None)
    assert "75%" in said and "60%以上" in said


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("capacity of 3 million tons", "300万吨"),  # an English million is a hundred 万
        ("about 2.78 billion yuan", "27.8亿元"),  # and a billion ten 亿
        ("300 million yuan", "3亿元"),
        ("20 thousand people", "2万人"),
        ("1,000 nursing home beds", "1000养老机构床位"),  # digits grouped by commas
        ("per 10,000 people", "每1万人"),  # and 10,000 or more written with 万 (万人发明专利)
        ("2,780,000 yuan", "278万元"),
        ("how many million tons", "多少万吨"),  # a magnitude without a number stays a unit
    ],
)
def test_a_number_with_an_english_magnitude_is_written_the_chinese_way(typed: str, read: str) -> None:
    assert read in EnglishReader.for_place().read(typed).replace(" ", "")


def test_a_figure_claimed_in_english_gets_its_verdict(matcher: Matcher) -> None:
    right = to_json(matcher.match("Is the total nitro fertilizer capacity 3 million tons?"), matcher.kb)
    assert right["status"] == "answered" and right["answer"].startswith("对") and "300万吨" in right["answer"]
    wrong = to_json(matcher.match("The nitro fertilizer capacity is 300 million tons, right?"), matcher.kb)
    assert wrong["status"] == "answered" and wrong["answer"].startswith("不对") and "300万吨" in wrong["answer"]
    # a year a question is put in is no claim: what was awarded in 2024 gets the award, not 对，是2024年
    asked = to_json(matcher.match("What title did the nitrogen fertilizer industry association award in 2024?"), matcher.kb)
    assert asked["status"] == "answered" and asked["answer"].startswith("2024年") and "中国钙都" in asked["answer"]


def test_a_wish_about_the_reply_is_not_a_thing_asked() -> None:
    reader = EnglishReader.for_place()
    assert "中国" not in reader.read("how many beds in total? please answer in chinese")
    assert "全年" in reader.read("output value for the full year")


def test_a_word_typed_with_a_slip_is_read_as_the_lexicons_word(matcher: Matcher) -> None:
    reader = matcher.english
    assert "日处理能力" in reader.read("污水日处里能力 daily capasity 多少万立方")  # capasity: capacity
    assert "覆盖率" in reader.read("rural bus coverge rate jiaochng villages?")  # a letter left out
    # a letter typed for another in a short word may spell another word: heating is not heading (标题)
    assert "标题" not in reader.read("交城县城冬天 heating 多会儿开始")


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("How many cooperation agreements have been signed and how many joint R&D projects carried out?", ["53项", "315项"]),
        ("Which fields do Jiaocheng's innovative enterprises cover?", ["新型肥业"]),
        ("化工园区四至和安全控制线 adjusted 几轮了", ["四轮"]),
    ],
)
def test_the_releases_words_in_english_are_read(matcher: Matcher, question: str, facts: list[str]) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED
    said = "".join(p.entry.answer for p in (*result.parts, result) if p.entry is not None)
    assert all(fact in said for fact in facts)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("When was the press conference held?", "新闻发布会召开"),  # a conference is held: 召开
        ("Is it true that Jiaocheng's nitro fertilizer holds 90% of the international market?", "占 90%"),
        ("How many valid invention patents does the county hold?", "拥有多少有效发明专利"),  # otherwise: 拥有
        ("who opened the press conference for Jiaocheng?", "谁开场"),  # the message names a conference
    ],
)
def test_a_word_of_several_senses_is_read_by_what_the_message_names(matcher: Matcher, typed: str, read: str) -> None:
    assert read in matcher.english.read(matcher.normalizer.fold(typed))


def test_the_names_of_the_base_are_read_in_pinyin_as_english_writes_them(matcher: Matcher) -> None:
    read = matcher.english.read(matcher.normalizer.fold("What is Guo Qiang responsible for? And Liu Dapeng?"))
    assert "郭强" in read and "刘大鹏" in read
    # a name's syllables are not words a slip was meant to be: shar is still share
    assert "占有率" in matcher.english.read(matcher.normalizer.fold("jiaocheng nitro fertlizer domestic markit shar?"))


def test_a_sense_is_chosen_by_whole_words_not_single_characters(matcher: Matcher) -> None:
    # 协会 holds 会 and 市场 holds 场: neither is a conference
    assert "召开" not in matcher.english.read(matcher.normalizer.fold("What title does the association hold?"))
