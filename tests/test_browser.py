"""End to end in headless Chromium: chat with sources and a chart, the section finder, the outline.

Screenshots go to test-output/. Skipped only where Chromium is absent and CI is not set; in CI a
missing browser fails the test (`make test` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

try:
    from test_ui import running_app
except ImportError:  # pragma: no cover - imported as a package
    from tests.test_ui import running_app

pytestmark = pytest.mark.browser

OUT = Path(__file__).resolve().parent.parent / "test-output"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page():
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    url = running_app()
    OUT.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1360, "height": 1000}, locale="zh-CN",
                                      permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        yield page
        context.close()
        browser.close()
    assert not errors, errors


def ask(page, question: str) -> None:
    from playwright.sync_api import expect

    box = page.locator("#question textarea")
    expect(box).to_be_editable(timeout=20_000)  # not while an answer is still streaming
    box.fill(question)
    page.get_by_test_id("submit-button").click()


def answered(page) -> None:
    """Wait until the answer has finished streaming (the textbox is editable again)."""
    from playwright.sync_api import expect

    expect(page.locator("#question textarea")).to_be_editable(timeout=20_000)


def stored_settles(page, quiet_ms: int = 1500, timeout_s: float = 30) -> None:
    """Wait until the browser holds a stored conversation with an answer that no write has changed
    for quiet_ms: it is stored a round trip after the chat changes, encrypted (so only its length
    tells an answer from an empty chat's few dozen characters)."""
    import time

    stored = "localStorage.getItem('panyu-plan-chat') || ''"
    deadline = time.monotonic() + timeout_s
    last = page.evaluate(stored)
    while time.monotonic() < deadline:
        page.wait_for_timeout(quiet_ms)
        now = page.evaluate(stored)
        if now == last and len(now) > 1000:
            return
        last = now
    raise AssertionError(f"the stored conversation did not settle ({len(last)} characters)")


def test_example_question_shows_a_chart(page):
    from playwright.sync_api import expect

    example = page.get_by_role("button", name=re.compile("新增公办学位"))
    expect(example).to_be_visible(timeout=15_000)
    example.click()
    expect(page.get_by_test_id("bot").first).to_contain_text("〔附件2", timeout=20_000)
    answered(page)
    expect(page.locator("#chart")).to_be_visible()
    expect(page.locator("#chart canvas, #chart svg").first).to_be_visible(timeout=10_000)
    page.wait_for_timeout(300)  # the plot draws after it is attached: for the screenshot only
    page.screenshot(path=OUT / "chat-chart.png")
    page.locator("#clear-chat").click()
    expect(page.get_by_test_id("bot")).to_have_count(0)
    expect(page.locator("#chart")).to_be_hidden()


def test_chat_streams_an_answer_with_sources(page):
    from playwright.sync_api import expect

    ask(page, "番禺的**垃圾分类**怎么做?")
    expect(page.get_by_test_id("user").first).to_contain_text("**垃圾分类**")  # shown as typed
    expect(page.get_by_test_id("bot").first).to_contain_text(re.compile(r"〔第十一章第三节"),
                                                             timeout=20_000)
    answered(page)
    sources = page.get_by_text(re.compile("來源 / 来源")).first
    sources.click()
    mark = page.locator("#chatbot mark").first
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("垃圾")
    expect(page.get_by_text("Traceback")).to_have_count(0)
    page.wait_for_timeout(500)  # the block slides open: wait for the screenshot only
    page.screenshot(path=OUT / "chat.png")  # full_page would re-lay out the chat

    # a blank message posts nothing
    before = page.get_by_test_id("user").count()
    page.locator("#question textarea").fill("   ")
    page.get_by_test_id("submit-button").click()
    page.wait_for_timeout(800)
    assert page.get_by_test_id("user").count() == before

    # the answer's copy button gives the text as read, citations without link syntax
    page.locator("#chatbot button[aria-label='Copy message']").last.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "〔第十一章第三节〕" in copied and "](" not in copied and "?place=" not in copied

    # a citation opens its place in the outline tab, in this page
    page.locator("#chatbot a", has_text="在大纲中打开").first.click()
    expect(page.get_by_role("tab", name="规划全文")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#place-text")).to_contain_text("垃圾分類")
    page.screenshot(path=OUT / "outline-from-citation.png", full_page=True)


def test_refusal_and_bad_input_are_notices(page):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="问答").click()
    ask(page, "<img src=x onerror=alert(1)>")
    expect(page.get_by_test_id("bot").last).to_contain_text("请输入一个关于番禺区", timeout=10_000)
    expect(page.locator("#chatbot img[src='x']")).to_have_count(0)
    expect(page.get_by_test_id("user").last).to_contain_text("<img src=x onerror=alert(1)>")  # as typed
    ask(page, "明天番禺天气怎么样?")  # the plan has no weather forecasts
    expect(page.get_by_test_id("bot").last).to_contain_text("没有在规划中找到答案", timeout=20_000)
    answered(page)
    page.screenshot(path=OUT / "refusal.png")


def test_section_finder(page):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="查找章节").click()
    query = page.get_by_label("主题或关键词")
    query.fill("垃圾分类")
    query.press("Enter")
    grid = page.get_by_role("grid", name="匹配的章节")
    expect(grid.get_by_role("gridcell", name="第十一章第三节")).to_be_visible(timeout=10_000)
    grid.get_by_role("gridcell", name="打造绿色生态城区").click()
    expect(page.locator("#finder-text")).to_contain_text("嚴格施行生活垃圾管理條例")
    page.screenshot(path=OUT / "finder.png", full_page=True)


def test_outline_shows_an_appendix_table(page):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="规划全文").click()
    page.get_by_label("章 / 附件").click()
    page.get_by_role("option", name=re.compile("附件2")).click()
    table = page.get_by_role("grid", name=re.compile("附件2"))
    expect(table).to_be_visible(timeout=10_000)
    expect(table.get_by_role("gridcell", name="5G基站數量(萬座)")).to_be_visible()
    expect(page.locator("#place-text")).to_contain_text("注:1.部分主要指標")
    page.wait_for_timeout(500)  # let the table's loading fade finish, for the screenshot only
    page.screenshot(path=OUT / "outline.png", full_page=True)


def test_a_reload_keeps_the_conversation_until_it_is_cleared(page):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="问答").click()
    ask(page, "番禺要建多少5G基站?")
    expect(page.get_by_test_id("user").last).to_contain_text("5G基站", timeout=20_000)
    answered(page)
    asked = page.get_by_test_id("user").count()
    stored_settles(page)
    page.reload()
    expect(page.get_by_test_id("user").last).to_contain_text("5G基站", timeout=20_000)
    expect(page.get_by_test_id("user")).to_have_count(asked)
    ask(page, "那2035年呢?")  # the restored conversation is the context of a follow-up
    expect(page.get_by_text("按上一问理解为").last).to_be_visible(timeout=20_000)
    answered(page)
    page.locator("#clear-chat").click()
    expect(page.get_by_test_id("user")).to_have_count(0)
    page.reload()
    expect(page.locator("#question textarea")).to_be_editable(timeout=20_000)
    page.wait_for_timeout(1000)  # the saved conversation would be restored by now
    expect(page.get_by_test_id("user")).to_have_count(0)
