"""The LLM path end to end over real HTTP: a scripted OpenAI-compatible server, real plan passages.

Each test queues the completions the fake server will send, so what is checked is the whole round
trip through ChatOpenAI: the request carries the passages and the question, and only a verified
reply is shown, otherwise the extractive answer stays with a machine-readable reason.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.answer import Answer, Claim, Source
from assistant.llm import LLMRewriter
from assistant.normalize import to_simplified, to_traditional
from assistant.outline import Place
from assistant.passages import build_passages
from assistant.render import plain_text

REPO = Path(__file__).resolve().parents[1]
QUESTION = "到2025年5G基站要建多少?"
EXTRACTIVE = "5G基站數量(萬座):2025年規劃目標 1.6。"


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    delay: float = 0.0


@dataclass
class FakeServer:
    url: str
    replies: deque = field(default_factory=deque)
    requests: list = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def says(self, content: str = "", status: int = 200, delay: float = 0.0) -> None:
        self.replies.append(Reply(content, status, delay))


def _completion(content: str) -> dict:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
        "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


@pytest.fixture
def server():
    state = FakeServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append({"path": self.path, "body": json.loads(body)})
            reply = state.replies.popleft() if state.replies else Reply(status=503)
            if reply.delay and state.stop.wait(reply.delay):
                return
            if self.path != "/v1/chat/completions":
                reply = Reply(status=404)
            payload = (_completion(reply.content) if reply.status == 200 else
                       {"error": {"message": "scripted failure", "type": "server_error"}})
            data = json.dumps(payload).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    yield state
    state.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def rewriter(server, monkeypatch) -> LLMRewriter:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", server.url)
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "test-model")
    monkeypatch.delenv("ASSISTANT_LLM_API_KEY", raising=False)
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "1")
    llm = LLMRewriter.from_env()
    assert llm is not None and llm.timeout == 1
    return llm


@pytest.fixture(scope="module")
def passages(request):
    return build_passages(request.getfixturevalue("outline"))


@pytest.fixture
def row(passages):
    """附件2 row 8: 5G基站數量(萬座), 0.7 in 2020, 1.6 planned for 2025."""
    return next(p for p in passages if p.place == Place(appendix=2, row=8))


@pytest.fixture
def corridor(passages):
    """第三章第一節 二、謀劃科創走廊戰略布局."""
    return next(p for p in passages if p.place == Place(chapter=3, section=1, subsection=2))


@pytest.fixture
def answer(row, corridor) -> Answer:
    sources = (Source(row.place, row.text, 0.91), Source(corridor.place, corridor.text, 0.42))
    return Answer(question=QUESTION, script="simplified", claims=(Claim(EXTRACTIVE, row.place),),
                  sources=sources)


def test_verified_answer_is_shown_with_short_labels(server, rewriter, answer, row):
    server.says("到2025年规划目标为1.6万座[1]。")
    result = rewriter.rewrite(answer)

    label = row.place.short_label("simplified")
    assert label == "附件2第8项"
    assert result.mode == "llm" and result.fallback_reason is None
    assert plain_text(result) == f"到2025年规划目标为1.6万座。〔{label}〕"
    assert result.claims == (Claim("到2025年规划目标为1.6万座。", row.place),)
    assert result.citations == [row.place]
    assert result.sources == answer.sources
    assert answer.mode == "extractive" and answer.claims[0].text == EXTRACTIVE  # input untouched

    # The model really received the numbered passages and the question, as chat messages.
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    body = request["body"]
    assert body["model"] == "test-model" and body["temperature"] == 0
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user"]
    system, user = (m["content"] for m in body["messages"])
    assert "[n]" in system or "[1]" in system
    assert "Simplified Chinese" in system
    assert f"[1] {row.place.label('simplified')}" in user
    assert to_simplified(row.text) in user
    assert f"[2] {answer.sources[1].place.label('simplified')}" in user
    assert to_simplified(answer.sources[1].text) in user
    assert QUESTION in user


def test_several_citation_forms_map_to_places_in_order(server, rewriter, answer, row, corridor):
    server.says("番禺以广州大学城为“智核”谋划科技创新走廊[2]。5G基站2020年为0.7万座,"
                "2025年目标1.6万座【1】。两者都属规划内容[1,2]。")
    result = rewriter.rewrite(answer)

    assert result.mode == "llm", result.fallback_reason
    assert result.citations == [corridor.place, row.place]
    text = plain_text(result)
    assert "谋划科技创新走廊。〔第三章第一节〕" in text
    assert "1.6万座。〔附件2第8项〕" in text
    assert text.endswith("两者都属规划内容。〔附件2第8项〕〔第三章第一节〕")
    assert "[" not in text and "【" not in text


def test_traditional_question_gets_traditional_labels(server, rewriter, answer, row):
    answer = Answer(question="到2025年5G基站要建幾多?", script="traditional",
                    claims=answer.claims, sources=answer.sources)
    server.says("到2025年规划目标为1.6万座[1]。")
    result = rewriter.rewrite(answer)

    assert result.mode == "llm", result.fallback_reason
    # Simplified slips in the reply are converted to the asker's script (normalize.to_traditional).
    expected = to_traditional("到2025年规划目标为1.6万座")
    text = plain_text(result)
    assert text == f"{expected}。〔{row.place.short_label('traditional')}〕"
    assert "規劃目標" in text
    assert "〔附件2第8項〕" in text
    assert "Traditional Chinese" in server.requests[0]["body"]["messages"][0]["content"]


def test_fabricated_number_falls_back(server, rewriter, answer):
    server.says("到2025年5G基站数量将达到3.5万座[1]。")
    result = rewriter.rewrite(answer)

    assert result.mode == "extractive"
    assert result.fallback_reason == "number 3.5 is not in the cited passages"
    assert result.claims == answer.claims
    assert result.citations == answer.citations and result.sources == answer.sources


def test_number_from_an_uncited_passage_falls_back(server, rewriter, answer):
    # 7 (號線) stands in passage [2] only; citing [1] alone does not cover it.
    server.says("规划目标为1.6万座,沿7号线布局[1]。")
    result = rewriter.rewrite(answer)

    assert result.mode == "extractive"
    assert result.fallback_reason == "number 7 is not in the cited passages"


def test_citing_a_passage_not_retrieved_falls_back(server, rewriter, answer):
    server.says("到2025年规划目标为1.6万座[9]。")
    result = rewriter.rewrite(answer)

    assert result.mode == "extractive"
    assert result.fallback_reason == "citation [9] is not a retrieved passage"
    assert result.claims == answer.claims


@pytest.mark.parametrize("content, reason", [
    ("到2025年规划目标为1.6万座。", "no citation"),
    ("", "empty answer"),
    ("<think>1.6?</think>[1]", "empty answer"),
])
def test_uncited_or_empty_reply_falls_back(server, rewriter, answer, content, reason):
    server.says(content)
    result = rewriter.rewrite(answer)

    assert (result.mode, result.fallback_reason, result.claims) == ("extractive", reason, answer.claims)


def test_slow_server_times_out_and_falls_back(server, rewriter, answer):
    server.says("到2025年规划目标为1.6万座[1]。", delay=5)
    started = time.perf_counter()
    result = rewriter.rewrite(answer)
    elapsed = time.perf_counter() - started

    assert result.mode == "extractive"
    assert result.fallback_reason == "timeout"
    assert result.claims == answer.claims
    assert elapsed < 3  # one 1 s attempt, no retries
    assert len(server.requests) == 1


def test_http_error_falls_back(server, rewriter, answer):
    server.says(status=500)
    result = rewriter.rewrite(answer)

    assert result.mode == "extractive"
    assert result.fallback_reason == "error: InternalServerError"
    assert result.claims == answer.claims
    assert len(server.requests) == 1  # max_retries=0


def test_from_env_needs_url_and_model(monkeypatch):
    for name in ("ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL", "ASSISTANT_LLM_API_KEY",
                 "ASSISTANT_LLM_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    assert LLMRewriter.from_env() is None
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    assert LLMRewriter.from_env() is None
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "m")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "soon")
    llm = LLMRewriter.from_env()
    assert llm is not None and llm.timeout == 20


# -- resident-question expansions written through the LLM --------------------------------------


def test_expand_writes_questions_for_missing_and_stale_passages(server, rewriter, passages, tmp_path):
    from assistant.expand import expand_passages
    from assistant.expansions import load_expansions, passage_hash, read_expansions

    shipped = read_expansions(REPO / "corpus" / "expansions.jsonl")
    path = tmp_path / "expansions.jsonl"
    missing, stale = passages[3], passages[7]
    lines = []
    for e in shipped:
        if e.passage == missing.id:
            continue
        digest = "000000000000" if e.passage == stale.id else e.hash
        lines.append(json.dumps({"passage": e.passage, "hash": digest, "questions": list(e.questions)},
                                ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, report = load_expansions(path, passages)
    assert report.stale == (stale.id,) and report.missing == (missing.id, stale.id)

    server.says("1. 番禺以后会怎么样发展\n2. 规划讲了哪些目标？\n3. 番禺點樣發展？\n"
                "4. What are the plan's goals?")
    server.says("- 问题一\n- 问题二")  # too few: this passage fails and keeps no entry
    result = expand_passages(passages, path, rewriter.chat)

    assert (result.written, result.failed) == (1, (stale.id,))
    asked = [r["body"]["messages"][1]["content"] for r in server.requests]
    assert missing.text in asked[0] and stale.text in asked[1]
    entries = {e.passage: e for e in read_expansions(path)}
    assert entries[missing.id].hash == passage_hash(missing)
    assert entries[missing.id].questions == ("番禺以后会怎么样发展", "规划讲了哪些目标？", "番禺點樣發展？",
                                             "What are the plan's goals?")
    assert stale.id not in entries and len(entries) == len(passages) - 1


def test_expand_without_an_endpoint_says_what_to_set(monkeypatch, capsys):
    from assistant.cli import main

    for name in ("ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["expand"]) == 2
    assert "ASSISTANT_LLM_BASE_URL" in capsys.readouterr().err
