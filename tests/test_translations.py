"""The plan in English, sentence by sentence: loading, checks against the passages, English answers."""

from __future__ import annotations

import json

import pytest

from assistant.answering import ExtractiveAnswerer
from assistant.expansions import passage_hash
from assistant.render import answer_json, chat_markdown, plain_text
from assistant.retrieval import Searcher
from assistant.settings import Settings
from assistant.translations import TranslationsError, load_translations


def test_every_sentence_of_the_plan_has_its_english(assistant):
    passages = assistant.index.passages
    translations = load_translations(Settings.from_env({}).translations_path, passages)
    assert translations.ignored == ()
    assert len(translations) == len(passages)
    assert all(translations.sentence(p.id, i) for p in passages for i in range(len(p.sentences)))


def test_an_entry_that_no_longer_fits_its_passage_is_reported_and_ignored(assistant, tmp_path):
    first, second, third = assistant.index.passages[:3]
    lines = [
        {"passage": first.id, "hash": passage_hash(first), "sentences": ["x"] * len(first.sentences)},
        {"passage": second.id, "hash": "000000000000", "sentences": ["x"] * len(second.sentences)},
        {"passage": third.id, "hash": passage_hash(third), "sentences": ["x"] * (len(third.sentences) + 1)},
        {"passage": 99999, "hash": "000000000000", "sentences": ["x"]},
    ]
    path = tmp_path / "translations.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    translations = load_translations(path, assistant.index.passages)
    assert list(translations.sentences) == [first.id]
    reasons = " / ".join(translations.ignored)
    assert "passage text changed: 1 (passages 1)" in reasons
    assert "sentence count differs" in reasons and "no such passage" in reasons
    assert translations.passage(second.id) == "" and translations.sentence(first.id, 99) == ""


def test_a_malformed_translations_file_names_its_line(assistant, tmp_path):
    path = tmp_path / "translations.jsonl"
    path.write_text('{"passage": 0, "hash": "x", "sentences": ["a"]}\n{"passage": 1}\n', encoding="utf-8")
    with pytest.raises(TranslationsError, match="line 2"):
        load_translations(path, assistant.index.passages)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(TranslationsError, match="not UTF-8"):
        load_translations(path, assistant.index.passages)
    assert len(load_translations(tmp_path / "missing.jsonl", assistant.index.passages)) == 0


@pytest.mark.parametrize(("question", "sentence"), [
    ("Is Panyu going to become a sponge city?", "海綿城市"),
    ("What will the district do about illegal fund-raising?", "非法集資"),
])
def test_an_english_question_meets_the_sentence_through_its_english(assistant, question, sentence):
    answer = assistant.ask(question)
    assert sentence in answer.claims[0].text or sentence in answer.claims[1].text
    # the same question without the translations: the words reach neither sentence
    searcher = Searcher(assistant.index, assistant.embedder, assistant.searcher.glossary)
    without = ExtractiveAnswerer(assistant.outline, searcher, assistant.searcher.glossary)
    assert not any(sentence in c.text for c in without.answer(question).claims[:2])


def test_an_english_reader_gets_the_quoted_sentences_in_english_labelled_as_ours(assistant):
    answer = assistant.ask("Is Panyu going to become a sponge city?")
    text = plain_text(answer)
    assert "In English (our translation" in text and "sponge city" in text.split("In English")[1]
    assert "sponge city" in chat_markdown(answer) and answer_json(answer)["claims"][0]["english"]
    # a table row's English is quoted without its table's name, as its Chinese is
    row = assistant.ask("How many 5G base stations will there be by 2025?")
    assert any(c.english.startswith("Number of 5G base stations") for c in row.claims)
    chinese = assistant.ask("番禺会建设海绵城市吗?")
    assert "In English" not in plain_text(chinese) and "In English" not in chat_markdown(chinese)


def test_the_cli_names_a_malformed_translations_file_instead_of_a_traceback(monkeypatch, capsys,
                                                                              tmp_path):
    from assistant.cli import main

    path = tmp_path / "translations.jsonl"
    path.write_text('{"passage": 0, "sentences": "not a list"}\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_TRANSLATIONS", str(path))
    assert main(["ask", "Is Panyu going to become a sponge city?"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "line 1" in err and "Traceback" not in err
