"""The app as a user meets it on a phone (390×844) and a laptop (1366×768), in headless Chromium.

One scripted session per size: load, ask, copy, open the cited place, search the finder, open
附件2 from the full outline, reload, clear. After each step nothing may be wider than the screen;
the console must stay free of errors. Screenshots of both sizes go to test-output/.
"""

from __future__ import annotations

import pytest

try:
    from test_browser import CHROMIUM, FLAGS, OUT, answered, ask
    from test_ui import running_app
except ImportError:  # pragma: no cover - imported as a package
    from tests.test_browser import CHROMIUM, FLAGS, OUT, answered, ask
    from tests.test_ui import running_app

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 768)}
TABS = ("问答", "查找章节", "规划全文")


@pytest.fixture(scope="module")
def browser():
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


def _no_overflow(page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{where}: the page is {width} px wide"


def _in_view(page, selector: str) -> bool:
    return page.evaluate("""(selector) => {
        const r = document.querySelector(selector).getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight; }""", selector)


@pytest.mark.parametrize("size", SIZES)
def test_a_session_fits_the_screen_and_keeps_its_state(browser, size):
    from playwright.sync_api import expect

    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(running_app())
    expect(page.locator("#question textarea")).to_be_editable(timeout=20_000)
    page.wait_for_timeout(500)

    # landing: no scroll, every tab one tap away, examples are buttons
    assert page.evaluate("window.scrollY") == 0
    for name in TABS:
        expect(page.get_by_role("tab", name=name)).to_be_visible()
    expect(page.locator("#chatbot button.example").first).to_be_visible()
    _no_overflow(page, "landing")
    page.screenshot(path=OUT / f"{size}-landing.png")

    # ask; copy gives the text as read, with plain citations
    ask(page, "番禺的垃圾分类怎么做？")
    answer = page.get_by_test_id("bot").first
    expect(answer).to_contain_text("〔第十一章第三节", timeout=20_000)
    answered(page)
    _no_overflow(page, "answer")
    page.screenshot(path=OUT / f"{size}-answer.png")
    page.locator("#chatbot button[aria-label='Copy message']").last.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "〔第十一章第三节〕" in copied and "](" not in copied and "?place=" not in copied

    # a citation opens the outline at the cited sentence, marked and in view
    answer.locator("a[href*='?place=']").first.click()
    expect(page.get_by_role("tab", name="规划全文")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#place-text mark").first).to_be_visible(timeout=10_000)
    page.wait_for_timeout(400)
    assert _in_view(page, "#place-text mark")
    _no_overflow(page, "outline at a citation")
    page.screenshot(path=OUT / f"{size}-outline-cited.png")

    # the full outline's entries open their place: 附件2 with its table
    page.get_by_text("全部目录").click()
    page.locator("#outline-tree a", has_text="附件2").click()
    expect(page.locator("#place-table")).to_contain_text("地區生產總值總量", timeout=10_000)
    _no_overflow(page, "附件2")
    page.screenshot(path=OUT / f"{size}-appendix2.png", full_page=True)

    # the finder: ranked places, a chosen row's text opens in view
    page.get_by_role("tab", name="查找章节").click()
    page.get_by_label("主题或关键词").fill("公办学位")
    page.get_by_role("button", name="查找", exact=True).click()
    grid = page.get_by_role("grid", name="匹配的章节")
    expect(grid.get_by_role("gridcell", name="第十二章第二节").first).to_be_visible(timeout=20_000)
    _no_overflow(page, "finder results")
    grid.get_by_role("gridcell", name="第十二章第二节").first.click()
    expect(page.locator("#finder-text")).to_contain_text("學位", timeout=10_000)
    page.wait_for_timeout(400)
    assert _in_view(page, "#finder-text")
    _no_overflow(page, "finder text")
    page.screenshot(path=OUT / f"{size}-finder.png")

    # after a finder search and with 附件2 open, no tab is wider than the screen
    for name in TABS:
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(300)
        _no_overflow(page, f"tab {name} after the search and 附件2")

    # a reload keeps the conversation; clear resets it and the side panel
    page.get_by_role("tab", name="问答").click()
    page.wait_for_timeout(800)  # the browser stores the conversation after the chat has changed
    page.reload()
    expect(page.get_by_test_id("user").last).to_contain_text("垃圾分类", timeout=20_000)
    page.locator("#clear-chat").click()
    expect(page.get_by_test_id("user")).to_have_count(0)
    expect(page.locator("#chart")).to_be_hidden()
    assert page.locator("#cited input").input_value() == ""
    context.close()
    assert not errors, errors
