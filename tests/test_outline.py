"""The outline parser on the real plan: structure, tables, labels, and bad inputs."""

from __future__ import annotations

import json
import re

import pytest

from assistant.cli import main
from assistant.outline import Place, PlanFormatError, cn_numeral, parse_numeral, parse_outline

SECTIONS_PER_CHAPTER = [2, 3, 4, 4, 4, 4, 3, 4, 3, 3, 3, 5, 5, 4]


def test_numerals_round_trip():
    for n in range(1, 40):
        assert parse_numeral(cn_numeral(n)) == n
    assert cn_numeral(14) == "十四" and cn_numeral(21) == "二十一"


def test_fourteen_chapters_and_fifty_one_sections(outline):
    assert [c.number for c in outline.chapters] == list(range(1, 15))
    assert [len(c.sections) for c in outline.chapters] == SECTIONS_PER_CHAPTER
    assert len(outline.sections) == 51


def test_body_headings_equal_table_of_contents(outline):
    assert len(outline.toc) == 14
    for chapter, (toc_title, toc_sections) in zip(outline.chapters, outline.toc, strict=True):
        assert chapter.title == toc_title
        assert tuple(s.title for s in chapter.sections) == toc_sections


def test_wrapped_chapter_titles_are_joined(outline):
    assert outline.chapter(1).title == "全面建成小康社會,開啟全面建設社會主義現代化新征程"
    assert outline.chapter(13).title == "統籌發展和安全,加快建設更高水平的平安番禺"
    assert not any(p.startswith("全面建設社會主義現代化新征程") for p in outline.chapter(1).intro)


def test_chapter_intro_and_preamble(outline):
    assert outline.chapter(1).intro[0].startswith("面向未來15年")
    assert len(outline.preamble) == 1 and outline.preamble[0].startswith("本綱要根據")
    assert outline.title.endswith("2035年遠景目標綱要")


def test_subsections_without_numeral_get_their_ordinal(outline):
    subs = [sub for s in outline.sections for sub in s.subsections]
    assert len(subs) == 126
    assert sum(not sub.explicit_numeral for sub in subs) == 67
    for section in outline.sections:
        assert [sub.number for sub in section.subsections] == list(
            range(1, len(section.subsections) + 1)
        )
    first = outline.chapter(3).section(1).subsections[0]
    assert (first.number, first.title, first.explicit_numeral) == (1, "加快科技創新平臺建設", False)
    assert outline.chapter(4).section(1).subsections[1].title == "發展壯大戰略性新興產業"


def test_columns_sit_in_their_sections(outline):
    where = {c.number: (c.place.chapter, c.place.section) for c in outline.columns}
    assert sorted(where) == list(range(1, 19))
    assert where[5] == where[6] == (4, 4)
    assert where[10] == where[11] == (8, 3)
    assert where[18] == (13, 2)
    assert where[8] == (8, 1) and where[1] == (3, 1)


def test_column_ends_where_body_text_resumes(outline):
    section = outline.chapter(3).section(1)
    second = section.subsections[1]
    assert second.title == "謀劃科創走廊戰略布局"
    assert second.paragraphs[0].startswith("以廣州大學城為“智核”")
    column = outline.column(1)
    assert len(column.table.rows) == 10
    assert not any("謀劃科創走廊" in cell for r in column.table.rows for cell in r.cells)


def test_platform_tables_have_named_columns(outline):
    table = outline.column(5).table
    assert table.header == ("序號", "名稱", "功能定位", "重點產業", "發展目標")
    row = table.row(2)
    assert row.value(table.header, "名稱") == "廣州國際科技創新城——廣州大學城"
    assert row.value(table.header, "重點產業").startswith("信息技術")
    assert row.value(table.header, "發展目標").startswith("現狀建設量353.8萬平方米")
    assert len(outline.column(6).table.rows) == 15


def test_town_blocks(outline):
    column = outline.column(8)
    assert column.layout == "blocks" and len(column.table.rows) == 16
    header = column.table.header
    assert header == ("名稱", "總體定位", "重點產業", "發展方向")
    shiji = column.table.row(1)
    assert shiji.value(header, "名稱") == "石碁鎮"
    assert shiji.value(header, "總體定位") == "以智能制造和文旅產業為總體定位。"
    names = [r.cells[0] for r in column.table.rows]
    assert names[-1] == "沙灣街" and "小谷圍街" in names


def test_list_columns_split_name_and_text(outline):
    row = outline.column(4).table.row(2)
    assert row.cells[1] == "數字新基建" and "1.6萬座" in row.cells[2]
    assert outline.column(2).table.row(4).cells[1] == "深入實施青藍計劃"


def test_appendix2_indicators(outline):
    table = outline.appendix(2).table
    assert len(table.rows) == 25
    gdp, g5 = table.row(1), table.row(8)
    assert (gdp.value(table.header, "2020年完成(預計)"), gdp.value(table.header, "2025年規劃目標")) == (
        "2278.28", "3000")
    assert g5.place.title == "5G基站數量(萬座)" and g5.cells[3:5] == ("0.7", "1.6")
    assert table.row(20).cells[3:5] == ("4830", "[42210]")
    assert table.row(7).cells[3:5] == ("", "25")
    assert table.row(10).cells[4] == "完成市下達目標"
    assert table.row(12).cells[4] == "≥88"
    assert [s.cells[2] for s in table.row(17).subrows] == ["城鎮居民人均可支配收入(元)",
                                                           "農村居民人均可支配收入(元)"]


def test_appendix1_indicators(outline):
    table = outline.appendix(1).table
    assert len(table.rows) == 39
    income = table.row(10)
    assert [s.cells[2] for s in income.subrows] == ["城鎮居民人均可支配收入", "農村居民人均可支配收入"]
    assert income.subrows[0].cells[4:7] == ("44655", "65025", "7.8")
    assert table.row(12).cells[4:6] == ("48.3*", "暫無核定數")
    assert table.row(2).cells[3:6] == ("", "106536", "暫無核定數")
    assert table.row(27).place.title == "主要污染物排放削減量"
    assert table.row(14).cells[0] == "創新能力顯著增強"
    assert table.notes[0].startswith("注")


def test_appendix3_projects(outline):
    table = outline.appendix(3).table
    assert table.header == ("項目類別", "總投資(萬元)", "到2020年底累計完成投資(萬元)",
                            "“十四五”計劃投資額(萬元)")
    assert table.row(1).cells == ("合計(五大工程)", "40603752", "8124190", "30479561")
    infra = table.row(3)
    assert [s.cells[0] for s in infra.subrows][:2] == ["(一)軌道交通工程", "(二)城市路網建設工程"]
    assert len(infra.subrows) == 4


def test_labels_in_both_scripts(outline):
    sub = outline.chapter(3).section(1).subsections[1]
    assert sub.place.label() == "第三章 第一節 二、謀劃科創走廊戰略布局"
    assert sub.place.label("simplified") == "第三章 第一节 二、谋划科创走廊战略布局"
    assert outline.column(5).table.row(2).place.label() == (
        "第四章 第四節 專欄5 第2項 廣州國際科技創新城——廣州大學城")
    assert outline.appendix(2).table.row(8).place.label() == "附件2 第8項 5G基站數量(萬座)"
    assert outline.chapter(3).section(1).place.short_label() == "第三章第一節"
    assert outline.chapter(12).section(5).place.short_label("simplified") == "第十二章第五节"
    assert Place().label() == "前言"


def test_no_clutter_spam_or_toc_in_content(outline, plan_text):
    spam = plan_text.splitlines()[0]
    content = json.dumps(outline_dict := _dict(outline), ensure_ascii=False)
    assert spam[:10] not in content
    for clutter in ("聽全文", "分享到", "掃一掃", "番府〔2021〕41號", "各鎮政府、街道辦事處", "目 錄"):
        assert clutter not in content
    # the TOC lists every heading once; the body must not contain a second copy
    assert content.count('"title": "面臨主要機遇與挑戰"') == 1
    assert outline_dict["chapters"][0]["sections"][0]["title"] == "“十三五”時期發展成就"


def _dict(outline):
    from assistant.outline import outline_to_dict

    return outline_to_dict(outline)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"just some text\nwithout any heading\n", "no chapter headings"),
        (b"\xff\xfe\x00garbage\n", "not UTF-8"),
    ],
)
def test_bad_inputs_raise_one_clear_error(data, message):
    with pytest.raises(PlanFormatError, match=message) as err:
        parse_outline(data)
    assert err.value.line is not None or message == "empty"


def test_undecodable_bytes_name_their_line(plan_text):
    data = plan_text.encode("utf-8")
    cut = data.index("第三章".encode()) + 1000
    bad = data[:cut] + b"\xff" + data[cut:]
    with pytest.raises(PlanFormatError) as err:
        parse_outline(bad)
    assert err.value.line == data[:cut].count(b"\n") + 1


def test_table_of_contents_only(plan_text):
    lines = plan_text.splitlines()
    toc_end = next(i for i, line in enumerate(lines) if line.strip().startswith("附3"))
    with pytest.raises(PlanFormatError, match="table of contents"):
        parse_outline("\n".join(lines[: toc_end + 1]))


def test_cli_outline_tree_and_json(capsys):
    assert main(["outline"]) == 0
    text = capsys.readouterr().out
    assert "第八章 第一節 專欄8 “十四五”時期各鎮發展重點  [16 rows, blocks]" in text
    assert "附件1" in text and "[39 rows, 8 sub-rows]" in text
    assert main(["outline", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    section = data["chapters"][2]["sections"][0]
    for key in ("chapter", "section", "subsection", "column", "appendix", "row", "title", "label"):
        assert key in section and key in section["subsections"][0] and key in data["appendices"][1]
    row = data["appendices"][1]["table"]["rows"][7]
    assert (row["appendix"], row["row"], row["cells"][3:5]) == (2, 8, ["0.7", "1.6"])
    assert section["columns"][0]["table"]["header"] == ["序號", "名稱", "內容"]


def test_cli_bad_plan_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "plan.txt"
    bad.write_bytes(b"\x80\x81 not text")
    assert main(["outline", "--plan", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and re.match(r"error: line 1: .*UTF-8", err)
    assert main(["outline", "--plan", str(tmp_path / "missing.txt")]) == 2


def test_text_after_the_last_table_is_page_footer(plan_text):
    outline = parse_outline(plan_text + "\n版權所有 廣州市番禺區人民政府\n")
    assert len(outline.appendix(3).table.rows) == 6
