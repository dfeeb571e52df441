"""The plan library: the national outline's Markdown layout beside Panyu's, both read by one call."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main
from assistant.markdown_outline import IMAGE_NOTE, parse_markdown_outline
from assistant.outline import Place, PlanFormatError
from assistant.plans import load_plan, resolve_plan
from assistant.settings import REPO_ROOT

CORPUS = REPO_ROOT / "corpus"


@pytest.fixture(scope="module")
def national():
    return load_plan(*resolve_plan("national", CORPUS))


def test_the_national_outline_has_its_parts_chapters_and_sections(national):
    assert (len(national.parts), len(national.chapters), len(national.sections)) == (19, 65, 192)
    assert national.title.startswith("中华人民共和国国民经济和社会发展第十四个五年规划")
    assert national.preamble and "编制" in national.preamble[0]
    third = national.parts[2]
    assert third.chapters == (8, 9, 10, 11) and third.title.startswith("加快发展现代产业体系")
    section = national.chapter(9).section(2)
    assert section.place.label("simplified") == "第三篇 第九章 第二节 前瞻谋划未来产业"
    assert section.place.short_label("simplified") == "第三篇第九章第二节"
    assert section.place.english_label() == "Part 3, Chapter 9, Section 2"
    assert [c.number for c in national.chapters] == list(range(1, 66))


def test_pictures_of_the_source_are_said_where_they_were(national):
    notes = [p for s in national.sections for p in s.intro if p == IMAGE_NOTE]
    assert len(notes) == 27
    assert all("<details" not in p and "](" not in p for s in national.sections for p in s.intro)


def test_places_of_two_plans_differ_and_the_default_plan_keeps_its_own(outline, national):
    assert national.chapter(8).place != outline.chapter(8).place
    assert outline.chapter(8).place == Place(chapter=8)
    assert "plan" not in outline.chapter(8).place.to_dict()


def test_outline_command_lists_the_national_plan_with_plan_and_part_keys(capsys):
    assert main(["outline", "--plan", "national", "--json"]) == 0
    tree = json.loads(capsys.readouterr().out)
    assert len(tree["parts"]) == 19 and len(tree["chapters"]) == 65
    assert sum(len(c["sections"]) for c in tree["chapters"]) == 192
    section = tree["chapters"][8]["sections"][1]
    assert (section["plan"], section["part"], section["chapter"], section["section"]) == (
        "national", 3, 9, 2)
    assert main(["outline", "--plan", "panyu", "--json"]) == 0
    panyu = capsys.readouterr().out
    assert main(["outline", "--json"]) == 0
    assert capsys.readouterr().out == panyu  # Panyu's outline does not change


@pytest.mark.parametrize("text, message", [
    ("# 标题\n\n正文一段。\n", "no chapter headings"),
    ("## 第一篇　甲\n### 第一章　乙\n#### 第二节　丙\n", "line 3"),
    ("## 第一篇　甲\n### 第二章　乙\n", "第一章 was expected"),
])
def test_a_malformed_markdown_plan_gets_one_clear_error(text, message):
    with pytest.raises(PlanFormatError, match=message):
        parse_markdown_outline(text, "x")


@pytest.fixture(scope="module")
def national_assistant(tmp_path_factory):
    """The national plan's own index, built in a temporary folder (vectors of texts the repo's
    cache already holds are reused; on a clean clone this embeds the plan, about a minute)."""
    import shutil
    from dataclasses import replace

    from assistant.api import Assistant
    from assistant.plans import for_plan
    from assistant.settings import Settings

    real = Settings.from_env()
    root = tmp_path_factory.mktemp("library") / "index"
    root.mkdir()
    for name in ("models", "cache-national"):
        if (real.index_dir / name).is_dir():
            shutil.copytree(real.index_dir / name, root / name, symlinks=True)
    return Assistant.open(for_plan(replace(real, index_dir=root), "national"), progress=False)


def test_a_national_question_cites_part_chapter_and_section_with_the_plan_name(national_assistant):
    from assistant.render import plain_text

    answer = national_assistant.ask("国家怎么布局类脑智能、量子信息这些未来产业？")
    assert not answer.refused
    place = answer.claims[0].place
    assert (place.plan, place.part, place.chapter, place.section) == ("national", 3, 9, 2)
    assert "〔《国家纲要》第三篇第九章第二节〕" in plain_text(answer)


def test_align_finds_the_matching_sections_of_the_other_plan(assistant, national_assistant):
    from assistant.align import align, reference_place

    national = national_assistant.outline
    climate = reference_place(national, "第三十八章第四节")
    assert [loc.place for loc in align(national, climate, assistant, k=1)] == [
        Place(chapter=11, section=2)]
    infrastructure = reference_place(assistant.outline, "第八章第三节")
    closest = [loc.place.chapter for loc in align(assistant.outline, infrastructure,
                                                  national_assistant, k=3)]
    assert 11 in closest  # 第十一章 建设现代化基础设施体系


def test_the_library_routes_a_question_that_names_the_national_plan(assistant, national_assistant):
    from assistant.library import Library, plan_named

    library = Library({"panyu": assistant, "national": national_assistant})
    assert plan_named("国家十四五规划纲要里怎么讲未来产业？") == "national"
    assert plan_named("What does the national plan say about carbon peaking?") == "national"
    assert plan_named("番禺的未来产业怎么发展？") is None
    assert library.pick("国家纲要怎么讲碳达峰？") is national_assistant
    assert library.pick("国家纲要怎么讲碳达峰？", "panyu") is assistant
    assert library.pick("番禺怎么推进垃圾分类？") is assistant


@pytest.mark.browser
def test_the_app_aligns_the_shown_section_and_answers_from_the_chosen_plan(assistant,
                                                                          national_assistant):
    from pathlib import Path

    from playwright.sync_api import expect, sync_playwright

    try:
        from test_browser import CHROMIUM, FLAGS, OUT, answered, ask
        from test_ui import _free_port
    except ImportError:  # pragma: no cover - imported as a package
        from tests.test_browser import CHROMIUM, FLAGS, OUT, answered, ask
        from tests.test_ui import _free_port
    from assistant.ui import create_app, launch

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    port = _free_port()
    launch(create_app(assistant, {"national": national_assistant}), "127.0.0.1", port,
           block=False, quiet=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"http://127.0.0.1:{port}/?place=c11.s2")
        expect(page.locator("#place-text")).to_contain_text("綠色", timeout=20_000)
        page.get_by_text("对照国家纲要").click()
        page.locator("#align-button").click()
        expect(page.locator("#aligned")).to_contain_text("第十一篇", timeout=20_000)
        page.screenshot(path=OUT / "align.png", full_page=True)
        page.get_by_role("tab", name="问答").click()
        page.get_by_label("国家纲要").check()
        ask(page, "怎么布局类脑智能、量子信息这些未来产业？")
        expect(page.get_by_test_id("bot").first).to_contain_text("《国家纲要》第三篇第九章第二节",
                                                                 timeout=20_000)
        answered(page)
        browser.close()
    assert not errors, errors
