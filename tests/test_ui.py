"""The Gradio app: pure formatting functions without a server, then the real app via gradio_client."""

from __future__ import annotations

import functools
import re
import socket

import pytest

from assistant.answer import Answer, Chart, Claim, QuestionError, Source
from assistant.outline import Place
from assistant.ui import (
    SOURCES_TITLE,
    answer_messages,
    chart_frame,
    chart_range,
    clean_question,
    escape_md,
    escape_user_html,
    key_place,
    outline_selection,
    outline_tree_markdown,
    place_key,
    place_markdown,
    place_table,
    question_error_messages,
    stream_messages,
    user_questions,
)

GARBAGE = Place(chapter=11, section=3, subsection=2, title="建設垃圾分類先進城區")
GARBAGE_TEXT = ("嚴格施行生活垃圾管理條例,以黨建引領為抓手,把垃圾分類納入社區治理,推動市民養成文明習慣。"
                "完善垃圾分類收集設施網絡和運輸體系,提升垃圾焚燒、生化、填埋等設施建設管理水平。")
HTML_ATTACK = "<img src=x onerror=alert(1)>"


def garbage_answer(**changes) -> Answer:
    fields = dict(
        question="垃圾分类怎么做?",
        claims=(Claim("嚴格施行生活垃圾管理條例,推動市民養成文明習慣。", GARBAGE),),
        script="simplified",
        sources=(Source(GARBAGE, GARBAGE_TEXT, 1.0, quotes=(GARBAGE_TEXT.split("。")[0] + "。",)),),
    )
    fields.update(changes)
    return Answer(**fields)


def contents(messages) -> str:
    return "\n".join(m["content"] for m in messages)


# -- pure functions ------------------------------------------------------------------------------


def test_answer_messages_cite_and_list_sources(outline):
    messages = answer_messages(garbage_answer(), outline)
    answer, sources = messages
    assert "〔[第十一章第三节](?place=c11.s3.u2)〕" in answer["content"]
    assert "metadata" not in answer
    assert sources["metadata"] == {"title": f"{SOURCES_TITLE}(1)", "status": "done"}
    assert SOURCES_TITLE == "來源 / 来源"
    assert "第十一章 第三节 二、建设垃圾分类先进城区" in sources["content"]  # label in the answer's script
    assert "<mark>嚴格施行生活垃圾管理條例" in sources["content"]  # the original text, cited part marked
    assert "(?place=c11.s3.u2)" in sources["content"]  # opens the place in the outline tab


def test_answer_messages_in_traditional(outline):
    answer = garbage_answer(script="traditional")
    answer_msg, sources = answer_messages(answer, outline)
    assert "[第十一章第三節]" in answer_msg["content"]
    assert "嚴格施行生活垃圾管理條例" in answer_msg["content"]
    assert "第十一章 第三節 二、建設垃圾分類先進城區" in sources["content"]


def test_html_and_markdown_are_escaped(outline):
    answer = garbage_answer(
        question=HTML_ATTACK,
        claims=(Claim(f"{HTML_ATTACK} 与 [x](javascript:alert(1)) 都不是规划内容。", GARBAGE),),
        sources=(Source(GARBAGE, f"<script>alert(1)</script>{GARBAGE_TEXT}", 1.0),))
    text = contents(answer_messages(answer, outline))
    assert "<img" not in text and "<script" not in text
    assert "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;" in text
    assert "](javascript" not in text and "\\[x\\]\\(javascript:alert\\(1\\)\\)" in text
    assert escape_md("a*b_c`d") == "a\\*b\\_c\\`d"


def test_markup_only_questions_get_the_polite_message():
    with pytest.raises(QuestionError) as err:
        clean_question(HTML_ATTACK)
    assert err.value.reason == "empty"
    assert clean_question("[学位](javascript:alert(1))有多少?") == "学位有多少?"
    assert clean_question("GDP<3000吗") == "GDP<3000吗"  # not a tag
    for bad in ("", "   ", "?!。😀😀", "\x00\x07", "问" * 600):
        with pytest.raises(QuestionError):
            clean_question(bad)
    [notice] = question_error_messages(QuestionError("empty", "請輸入問題。", "Type one."), "simplified")
    assert notice["content"].startswith("**【") and "请输入问题。" in notice["content"]


def test_refusal_is_a_notice_with_clickable_suggestions(outline):
    answer = Answer("番禺会建迪士尼吗?", "simplified", refusal="not_in_plan",
                    suggestions=(Place(chapter=4, section=4, column=6), Place(appendix=2)))
    [message] = answer_messages(answer, outline)
    content = message["content"]
    assert content.startswith("**※ 没有在规划中找到答案**")
    assert "> 规划纲要没有涉及这个问题。" in content
    assert "`第四章 第四节 专栏6 “十四五”时期重点园区`" in content  # copyable label with its title
    assert "(?place=a2)" in content
    assert message["options"][0] == {"value": "第四章第四节专栏6讲了什么?", "label": "第四章第四节专栏6"}
    assert "metadata" not in message


def test_place_keys_round_trip(outline):
    places = [Place()] + [c.place for c in outline.chapters] + [s.place for s in outline.sections]
    places += [sub.place for s in outline.sections for sub in s.subsections]
    places += [col.place for col in outline.columns] + [a.place for a in outline.appendices]
    places.append(Place(appendix=2, row=8))
    for place in places:
        assert key_place(place_key(place)) == place
    assert key_place("c1.s1; DROP") is None and key_place("") is None


def test_place_text_and_tables(outline):
    text = place_markdown(outline, Place(chapter=11, section=3), "simplified")
    assert text.startswith("### 第十一章 第三节 打造绿色生态城区")
    assert "#### 第十一章 第三节 二、建设垃圾分类先进城区" in text
    assert "嚴格施行生活垃圾管理條例" in text  # the plan's own words, unconverted
    title, header, rows = place_table(outline, Place(appendix=2))
    assert title.startswith("附件2") and header[2] == "指標" and len(rows) >= 25
    assert any("5G基站數量(萬座)" in row for row in rows)
    assert place_table(outline, Place(chapter=3, section=1)) is None
    column = place_markdown(outline, Place(chapter=4, section=4, column=5), tables=True)
    assert "| 序號 | 名稱 | 功能定位 | 重點產業 | 發展目標 |" in column


def test_outline_selection_levels(outline):
    sel = outline_selection(outline, "c4.s4.k5", "traditional")
    assert sel["value1"] == "c4" and sel["value2"] == "c4.s4" and sel["value3"] == "c4.s4.k5"
    assert ("專欄5 “十四五”時期重大產業發展平臺", "c4.s4.k5") in sel["level3"]
    assert [k for _, k in sel["level1"]][:2] == ["pre", "c1"] and sel["level1"][-1][1] == "a3"
    assert outline_selection(outline, "a2.r8")["key"] == "a2"
    assert outline_selection(outline, "nonsense")["key"] == "pre"


def test_history_and_chart_helpers():
    history = [{"role": "user", "content": "2025年GDP目标是多少?"},
               {"role": "assistant", "content": "3000亿元。"},
               {"role": "user", "content": [{"type": "text", "text": "那2035年呢?"}]}]
    assert user_questions(history) == ["2025年GDP目标是多少?", "那2035年呢?"]
    typed = [{"role": "user", "content": "**粗体** <b>x</b> 1. item_a [x](y)"}]
    shown = escape_user_html(typed)
    assert shown[0]["content"] == r"\*\*粗体\*\* &lt;b&gt;x&lt;/b&gt; 1\. item\_a \[x\]\(y\)"
    assert escape_user_html(shown) == shown  # the chatbot's value comes back: no double escaping
    assert user_questions(shown) == ["**粗体** <b>x</b> 1. item_a [x](y)"]
    frame = chart_frame(Chart("5G基站數量(萬座)", "萬座", (("2020年", 0.7), ("2025年", 1.6))))
    assert list(frame.columns) == ["项目", "数值"] and frame["数值"].tolist() == [0.7, 1.6]
    simplified = chart_frame(Chart("人均預期壽命(歲)", "歲", (("2020年完成(預計)", 82.76),)), "simplified")
    assert simplified["项目"].tolist() == ["2020年完成(预计)"]
    # the value axis starts at zero, so the smaller bar (0.7 against 1.6) is drawn too
    low, high = chart_range(Chart("5G基站數量(萬座)", "萬座", (("2020年", 0.7), ("2025年", 1.6))))
    assert low == 0.0 and high > 1.6


def test_a_failing_assistant_never_shows_a_traceback(outline, caplog):
    class Broken:
        def __init__(self):
            self.outline = outline

        def ask(self, *args, **kwargs):
            raise RuntimeError("index exploded")

    [(messages, answer)] = list(stream_messages(Broken(), "学位有多少?", [], "自动"))
    assert answer is None and "抱歉" in messages[0]["content"]
    assert "Traceback" not in messages[0]["content"] and "exploded" not in messages[0]["content"]
    assert "学位有多少?" in caplog.text  # logged with its context


# -- the app, through gradio_client ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@functools.cache
def running_app() -> str:
    """One assistant and one app server per test session (shared with test_browser)."""
    from assistant.api import Assistant
    from assistant.ui import create_app, launch

    demo = create_app(Assistant.open(progress=False))
    port = _free_port()
    launch(demo, "127.0.0.1", port, block=False, quiet=True)
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def client():
    from gradio_client import Client

    return Client(running_app(), verbose=False)


def test_chat_answers_with_a_citation(client):
    messages, _chart, cited = client.predict(message="番禺的垃圾分类怎么做?", api_name="/chat")
    text = contents(messages)
    assert re.search(r"〔\[第[一二三四五六七八九十]+章第[一二三四五六七八九十]+节", text)
    assert any(m.get("metadata", {}).get("title", "").startswith(SOURCES_TITLE) for m in messages)
    assert cited["choices"]  # places to open in the outline tab


def test_chat_script_setting_applies_to_answer_and_labels(client):
    messages, _chart, cited = client.predict(message="番禺的垃圾分类怎么做?", choice="繁體",
                                             api_name="/chat")
    text = contents(messages)
    assert "〔[第十一章第三節]" in text and "垃圾分類" in text
    assert any("第十一章 第三節" in label for label, _key in cited["choices"])


def test_locate_returns_ranked_places(client):
    table, note = client.predict(text="垃圾分类", api_name="/locate")
    assert table["headers"] == ["#", "位置", "标题", "最相关段落", "相关度"]
    rows = table["data"]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 5
    assert rows[0][1] == "第十一章第三节" and rows[0][2] == "打造绿色生态城区"
    shares = [int(r[4].split("\u00a0")[-1].rstrip("%")) for r in rows]
    assert shares[0] == 100 and shares == sorted(shares, reverse=True)
    assert rows[0][4].startswith("█████\u00a0")
    assert "10" in note


@pytest.mark.parametrize("bad, expected", [
    ("", "请输入一个关于番禺区"),
    ("问" * 600, "问题太长了"),
    (HTML_ATTACK, "请输入一个关于番禺区"),
    ("?!😀", "问题里没有文字"),
])
def test_bad_input_gets_a_polite_message(client, bad, expected):
    messages, _chart, _cited = client.predict(message=bad, api_name="/chat")
    text = contents(messages)
    assert expected in text and "<img" not in text and "Traceback" not in text
    table, note = client.predict(text=bad, api_name="/locate")
    assert table["data"] in ([], [[]]) or not any(table["data"][0])
    assert expected in note


def test_follow_ups_pass_the_earlier_questions(outline):
    seen = {}

    class Recorder:
        def __init__(self):
            self.outline = outline

        def ask(self, question, history=(), script=None):
            seen.update(question=question, history=[t.question for t in history], script=script,
                        items=[t.items for t in history])
            return garbage_answer(question=question)

    history = [{"role": "user", "content": "2025年GDP目标是多少?"},
               {"role": "assistant", "content": "……"},
               {"role": "user", "content": "&lt;b&gt;"},  # an earlier bad question: no context
               {"role": "assistant", "content": "【无法回答这个问题】"}]
    *_, (messages, answer) = stream_messages(Recorder(), "那2035年呢?", history, "繁體",
                                             items={"2025年GDP目标是多少?": ["甲", "乙"]})
    assert seen == {"question": "那2035年呢?", "history": ["2025年GDP目标是多少?"],
                    "script": "traditional", "items": [("甲", "乙")]}
    assert answer is not None and len(messages) == 2


def test_main_explains_a_missing_model_and_exits_nonzero(capsys):
    from assistant.ui import main

    assert main(["--model", "/no/such/model-folder", "--port", "7999"]) == 2
    err = capsys.readouterr().err
    assert "embedding model" in err and "/no/such/model-folder" in err and "Traceback" not in err
    assert main(["--port", "not-a-port"]) == 2


def test_outline_entries_link_to_their_places_and_cited_sentences_are_marked(outline):
    tree = outline_tree_markdown(outline, "simplified")
    assert "(?place=c11.s3)" in tree and "(?place=a2)" in tree and "(?place=c3.s1.k1)" in tree
    quote = outline.find(Place(chapter=11, section=3)).subsections[1].paragraphs[0].split("。")[0] + "。"
    text = place_markdown(outline, Place(chapter=11, section=3), "simplified", quotes=[quote])
    assert text.count("<mark>") == 1 and f"<mark>{escape_md(quote)}</mark>" in text
