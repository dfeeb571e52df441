"""Passages, tokens, the persisted index and hybrid retrieval, on the real plan and model."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from assistant.index import CorruptIndexError, PlanIndex, StaleIndexError
from assistant.normalize import detect_script, normalize, plain_simplified
from assistant.outline import Place
from assistant.passages import build_passages
from assistant.retrieval import HybridRetriever, explicit_reference, split_question


def test_passages_cover_the_plan_and_carry_places(outline, plan_text):
    passages = build_passages(outline)
    assert [p.id for p in passages] == list(range(len(passages)))
    spam = plan_text.splitlines()[0][:8]
    for p in passages:
        assert spam not in p.text and "聽全文" not in p.text and "掃一掃" not in p.text
        assert len(p.text) <= 600
    rows = [p for p in passages if p.place == Place(appendix=2, row=8)]
    assert len(rows) == 1
    assert "5G基站數量(萬座):2020年完成(預計) 0.7;2025年規劃目標 1.6" in rows[0].text
    towns = [p for p in passages if p.place.column == 8]
    assert len(towns) == 16 and towns[0].text.startswith("專欄8")
    # every paragraph of every subsection is somewhere in a passage
    joined = "".join(p.text for p in passages)
    for section in outline.sections:
        for sub in section.subsections:
            for paragraph in sub.paragraphs:
                assert paragraph[:40] in joined


def test_passage_to_langchain_document(outline):
    passage = build_passages(outline)[5]
    doc = passage.to_document()
    assert doc.page_content == passage.text
    assert doc.metadata["label"] == passage.place.label()
    assert doc.metadata["chapter"] == passage.place.chapter


def test_normaliser_makes_both_scripts_meet(assistant):
    tokenize = assistant.index.tokenizer
    pairs = [("番禺的垃圾分類怎麼搞？", "番禺的垃圾分类怎么搞？"),
             ("廣州大學城的科技創新平臺", "广州大学城的科技创新平台"),
             ("５Ｇ基站數量", "5G基站数量")]
    for traditional, simplified in pairs:
        assert tokenize(traditional) == tokenize(simplified)
    assert "什么" not in tokenize("垃圾分类是什么") and "垃圾分类" in tokenize("垃圾分类是什么")
    assert normalize("會唔會起地鐵站") == "会不会起地铁站"
    assert plain_simplified("我屋企附近") == "我家附近"
    assert detect_script("番禺的垃圾分類怎麼搞") == "traditional"
    assert detect_script("番禺的垃圾分类怎么搞") == "simplified"
    assert detect_script("Where is the plan about schools?") == "english"


def test_explicit_references_in_either_script():
    assert explicit_reference("第八章第三節講什麼") .__dict__ == {
        "chapter": 8, "section": 3, "column": None, "appendix": None, "row": None}
    assert explicit_reference("第十二章").chapter == 12
    ref = explicit_reference("附件2第8项是什么")
    assert (ref.appendix, ref.row) == (2, 8)
    assert explicit_reference("專欄8").column == 8
    assert explicit_reference("垃圾分类") is None


def test_explicit_reference_routes_to_the_place(assistant):
    hits = assistant.search("第八章第三节", k=3)
    assert all((h.passage.place.chapter, h.passage.place.section) == (8, 3) for h in hits)
    top = assistant.search("附件2第20项", k=1)[0]
    assert top.passage.place == Place(appendix=2, row=20)


@pytest.mark.parametrize(
    ("question", "where"),
    [
        ("番禺要怎么推进垃圾分类？", (11, 3)),
        ("家里老人以后养老有什么保障？", (12, 4)),
        ("大学城要打造成什么样的创新中心", (3, 1)),
        ("廣州南站周邊以後怎樣發展商業", (5, 2)),
        ("中小学学位不够怎么办", (12, 2)),
        ("番禺会不会加强食品安全监管", (13, 3)),
        ("數字政府建設有咩新做法", (6, 2)),
        ("农村的污水和厕所会不会改善", (9, 2)),
        ("PM2.5到2025年要控制在多少", "appendix2"),
        ("which part talks about the digital economy and 5G", (4, 3)),
    ],
)
def test_retrieval_finds_the_section_in_the_top_3(assistant, question, where):
    places = [loc.place for loc in assistant.locate(question, k=3)]
    if where == "appendix2":
        assert Place(appendix=2) in places
    else:
        assert where in [(p.chapter, p.section) for p in places], places


def test_two_part_questions_are_split_and_both_located(assistant):
    assert len(split_question("石碁镇的总体定位是什么？大石街又是什么定位？")) == 2
    # a conjunction joins two questions only where both sides ask something
    assert split_question("5G基站要建到多少座，和番禺博物馆要创建几A级景区？") == [
        "5G基站要建到多少座", "番禺博物馆要创建几A级景区？"]
    assert len(split_question("Which towns does the plan list, and what is Shawan's focus?")) == 2
    assert len(split_question("番禺有哪些产业和园区？")) == 1
    # 多 before a measure adjective asks a measure (多大, 多久): that side asks something too
    assert split_question("区图书馆新馆占地多大，和工人文化宫要建几层？") == [
        "区图书馆新馆占地多大", "工人文化宫要建几层？"]
    assert len(split_question("How long and how wide is the new water main?")) == 1
    located = [loc.place for loc in assistant.locate(
        "广州大学城要建什么平台？番禺区图书馆新馆有多大？", k=3)]
    sections = {(p.chapter, p.section) for p in located}
    assert {(3, 1), (10, 3)} <= sections


def test_modes_and_langchain_retriever(assistant):
    for mode in ("hybrid", "bm25", "dense"):
        hits = assistant.search("垃圾分类", k=5, mode=mode)
        assert len(hits) == 5 and hits[0].score >= hits[-1].score
    retriever = assistant.retriever(k=3)
    assert isinstance(retriever, HybridRetriever)
    docs = retriever.invoke("垃圾分类")
    assert len(docs) == 3 and docs[0].metadata["chapter"] == 11
    assert "score" in docs[0].metadata and docs[0].metadata["label"].startswith("第十一章")


@pytest.fixture()
def index_copy(assistant, tmp_path):
    target = tmp_path / "plan"
    shutil.copytree(assistant.settings.plan_index_dir, target)
    return target


def test_manifest_mismatch_and_truncated_vectors_are_detected(assistant, index_copy, tmp_path):
    plan, model = assistant.settings.plan_path, assistant.index.model_id
    expansions = assistant.settings.expansions_path
    assert PlanIndex.load(index_copy, plan, model, expansions).vectors.ntotal == len(assistant.index.passages)
    with pytest.raises(StaleIndexError, match="model"):
        PlanIndex.load(index_copy, plan, "some/other-model", expansions)
    other_plan = tmp_path / "plan.txt"
    other_plan.write_bytes(plan.read_bytes() + "\n多一行".encode())
    with pytest.raises(StaleIndexError, match="plan"):
        PlanIndex.load(index_copy, other_plan, model, expansions)
    vectors = index_copy / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:1000])
    with pytest.raises(CorruptIndexError, match="vectors.faiss"):
        PlanIndex.load(index_copy, plan, model, expansions)
    (index_copy / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="manifest"):
        PlanIndex.load(index_copy, plan, model, expansions)


def test_dense_vectors_are_normalised(assistant):
    index = assistant.index.vectors
    first = index.reconstruct(0)
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-3


def test_questions_about_the_plan_itself_find_the_preamble(assistant):
    from assistant.retrieval import about_the_plan

    assert about_the_plan("本綱要的編制依據是什麼？") and not about_the_plan("番禺的规划体系怎么建立")
    assert about_the_plan("What time period does this plan cover?")
    assert not about_the_plan("Does the plan cover elderly care?")
    top = assistant.locate("这份纲要的规划期限是哪几年？", k=1)[0]
    assert top.place.is_preamble


def test_abbreviations_the_plan_defines_meet_their_long_form(assistant):
    from assistant.tokens import spell_out

    # the plan writes 地區生產總值(GDP) once; its tables only say 地區生產總值
    abbreviations = assistant.searcher.abbreviations
    assert abbreviations["gdp"] == "地区生产总值"
    assert spell_out("2015年GDP是多少", abbreviations).endswith("地区生产总值")
    assert spell_out("What was GDP in 2015?", abbreviations) == "What was GDP in 2015?"
    answer = assistant.ask("2015年番禺GDP是多少？")
    assert answer.claims[0].place.appendix == 1 and "1608.78" in answer.claims[0].text


def test_a_question_naming_a_row_finds_that_row(assistant):
    # the row about the park, not the paragraph that lists it among fifteen
    top = assistant.search("天安节能科技园呢？", k=1)[0]
    assert top.passage.kind == "row" and top.passage.place.column == 6
    named = assistant.searcher.names.named("番禺的汽车产业要做到多大规模", len(assistant.searcher.passages))
    assert not named.any()


def test_an_english_question_gets_the_long_form_of_an_abbreviation_the_plan_defines(assistant):
    # 研究與試驗發展經費(R&D): "R&D" is the only word of the plan an English question may share
    scores = assistant.searcher.scores("What share of GDP goes to R&D?")
    assert {"研究", "经费"} <= set(scores.tokens)
    top = assistant.search("What share of GDP goes to R&D?", k=3)
    assert any("研發經費" in h.passage.text or "研究與試驗發展經費" in h.passage.text for h in top)


def test_keywords_stand_for_as_much_of_an_english_question_as_they_map():
    from assistant.tokens import mapped_share

    assert mapped_share("番禺几时有地铁") == 1.0
    assert mapped_share("How many smart lamp posts will the district have by 2025?") < 0.3
    assert mapped_share("metro school hospital") == 1.0
    assert mapped_share("?") == 0.0


def test_an_english_question_meets_the_plans_names_by_their_pinyin(assistant):
    question = "What will the Shawan jewellery park produce?"
    assert "沙湾" in assistant.searcher.scores(question).tokens
    assert any("沙灣珠寶產業園" in h.passage.text for h in assistant.search(question, k=3))
    # lower-case English words that happen to spell plan words are English: "make" is not 马克
    tokens = assistant.searcher.scores("Does the plan make and guide growth?").tokens
    assert not {"马克", "规定"} & set(tokens)


def test_english_words_get_the_chinese_words_they_pair_with_in_the_glossarys_titles(assistant):
    pairs = assistant.searcher.word_pairs
    assert "死亡" in pairs["mortality"] and "累计" in pairs["cumulative"]
    assert "school" not in pairs  # the hand-written word map has it already
    assert "死亡" in assistant.searcher.scores("What is the infant mortality target?").tokens


def test_english_words_neither_map_has_get_the_plan_words_a_dictionary_glosses_them_with(assistant):
    glossed = assistant.searcher.dictionary
    assert "球场" in glossed["stadium"] and "会计" in glossed["accountant"]
    assert "many" not in glossed and "near" not in glossed  # they gloss hundreds of entries
    assert "球场" in assistant.searcher.scores("Is a new stadium planned?").tokens
