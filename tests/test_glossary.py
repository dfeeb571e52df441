"""The English glossary of the plan's headings: loading, search keys, English answers."""

from __future__ import annotations

import pytest

from assistant.glossary import GlossaryError, load_glossary
from assistant.render import plain_text
from assistant.settings import Settings


def test_every_heading_of_the_outline_has_an_english_title(outline):
    glossary = load_glossary(Settings.from_env({}).glossary_path)
    titles = [s.title for s in outline.sections] + [c.title for c in outline.columns]
    assert all(glossary.title(t) for t in titles), [t for t in titles if not glossary.title(t)]


def test_a_malformed_glossary_names_its_line(tmp_path):
    path = tmp_path / "glossary.jsonl"
    path.write_text('{"zh": "主要成就", "en": "Main achievements"}\n{"zh": "x"\n', encoding="utf-8")
    with pytest.raises(GlossaryError, match="line 2"):
        load_glossary(path)
    assert len(load_glossary(tmp_path / "missing.jsonl")) == 0


def test_a_passage_has_the_english_titles_of_its_row_and_headings(assistant):
    glossary = load_glossary(Settings.from_env({}).glossary_path)
    row = next(p for p in assistant.index.passages if p.place.appendix == 2 and p.place.row == 1)
    titles = glossary.passage_titles(row)
    assert "GDP" in titles[0] and len(titles) >= 2


def test_an_english_question_finds_a_table_row_by_its_english_name(assistant):
    answer = assistant.ask("What was the average life expectancy in 2020?")
    place = answer.claims[0].place
    assert place.appendix in (1, 2) and "82.76" in answer.claims[0].text
    assert "life expectancy" in plain_text(answer).splitlines()[0].lower()
