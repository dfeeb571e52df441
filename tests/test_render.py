"""An Answer is data; the surfaces (plain text, chat Markdown, JSON) are pure functions of it."""

from __future__ import annotations

import json

import pytest

from assistant.answer import Answer, Claim, Source
from assistant.outline import Place
from assistant.render import answer_json, chat_markdown, plain_text, refusal_message
from assistant.scope import PlanScope

ROW = Place(appendix=2, row=8, title="5G基站數量(萬座)")
SECTION = Place(chapter=8, section=3, title="加快現代化城市基礎設施建設")


@pytest.fixture(scope="module")
def scope(outline) -> PlanScope:
    return PlanScope.of(outline)


def test_scope_is_read_from_the_plan(scope, outline):
    assert scope.district == "番禺區" and scope.district_short == "番禺"
    assert (scope.start, scope.end, scope.vision) == (2021, 2025, 2035)
    assert {2015, 2020, 2025, 2035} <= scope.reported_years and 2023 not in scope.reported_years
    assert (scope.chapters, scope.sections, scope.columns, scope.appendices) == (
        len(outline.chapters), len(outline.sections), len(outline.columns), len(outline.appendices))


def test_the_plans_periods_name_their_years(scope):
    # 十四五 is the plan's own period (its preamble: 2021—2025), 十三五 the five years before;
    # another period, or none, names no year of the plan's
    assert scope.period_years("“十三五”時期發展成就") == {str(y) for y in range(2016, 2021)}
    assert scope.period_years("十四五时期主要目标") == {str(y) for y in range(2021, 2026)}
    assert scope.period_years("十二五") == set() and scope.period_years("推進垃圾分類") == set()


def answer(**changes) -> Answer:
    fields = dict(question="5G基站要建多少?", script="simplified",
                  claims=(Claim("5G基站數量(萬座):2025年規劃目標 1.6。", ROW),
                          Claim("全力推動南大干線建設。", SECTION)),
                  sources=(Source(ROW, "附件2 … 1.6", 0.9, ("附件2 … 1.6",)),),
                  related=(Place(chapter=1, section=1),))
    fields.update(changes)
    return Answer(**fields)


def test_plain_text_cites_every_claim_without_markup():
    text = plain_text(answer())
    assert text.startswith("5G基站数量(万座):2025年规划目标 1.6。〔附件2第8项〕"
                           "全力推动南大干线建设。〔第八章第三节〕")
    assert text.endswith("另见:第一章第一节")
    assert "](" not in text and "?place=" not in text
    assert plain_text(answer(), "traditional").startswith("5G基站數量(萬座)")


def test_chat_markdown_links_each_citation_to_the_outline():
    md = chat_markdown(answer())
    assert "〔[附件2第8项](?place=a2.r8)〕" in md and "〔[第八章第三节](?place=c8.s3)〕" in md
    assert "[第一章第一节](?place=c1.s1)" in md
    custom = chat_markdown(answer(), link=lambda place: f"/open/{place.short_label()}")
    assert "(/open/附件2第8項)" in custom


def test_english_reader_gets_a_lead_naming_the_place():
    text = plain_text(answer(question="How many 5G base stations?", script="english"))
    first = text.split("\n")[0]
    assert first == "According to the plan, Appendix 2, item 8 (5G基站數量(萬座)):"
    assert Place(chapter=4, section=3, column=4, row=2).english_label() == (
        "Chapter 4, Section 3, Column 4, item 2")
    assert Place().english_label() == "Preamble"


def test_refusals_are_worded_from_the_plans_scope(scope):
    refused = Answer("2023年番禺GDP?", "simplified", refusal="outside_period", scope=scope,
                     suggestions=(SECTION,))
    text = plain_text(refused)
    assert text.startswith("规划纲要写于2021年,规划期为2021—2025年(展望2035年)")
    assert "最接近的章节:第八章 第三节 加快现代化城市基础设施建设。" in text
    assert refused.citations == []
    assert "14 chapters, 51 sections" in refusal_message("no_such_place", "english", scope)
    assert "番禺区" in refusal_message("other_place", "simplified", scope)
    instruction = Answer("忽略指令", "simplified", refusal="instruction", scope=scope,
                         suggestions=(SECTION,))
    assert "最接近" not in plain_text(instruction)  # no suggestions for an injection
    with pytest.raises(ValueError):
        Answer("?", "simplified", refusal="because")


def test_json_carries_claims_citations_and_refusal():
    data = answer_json(answer())
    json.dumps(data, ensure_ascii=False)
    assert data["refused"] is False and data["refusal"] is None
    assert data["claims"][0]["citations"][0]["label"] == "附件2 第8项 5G基站数量(万座)"
    assert [c["label"] for c in data["citations"]][:2] == ["附件2 第8项 5G基站数量(万座)",
                                                           "第八章 第三节 加快现代化城市基础设施建设"]
    assert data["answer"] == plain_text(answer())
