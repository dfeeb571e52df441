"""The default answerer: offline and extractive, so every figure it shows is the plan's own.

Steps: (1) clean the question and resolve a follow-up against the previous one; (2) split a
two-part question; (3) for each part, retrieve passages and score their sentences (question terms
weighted by rarity, the passage's rank, figures for number questions); (4) answer a table question
from its row, naming row and column; (5) refuse when the plan does not cover the question, with the
closest sections as suggestions; (6) write the answer in the asker's script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .answer import Answer, Chart, Source, check_question
from .normalize import detect_script, normalize, to_simplified
from .outline import Place, cn_numeral
from .passages import NAMING_COLUMNS, Passage, split_sentences
from .retrieval import Hit, group_hits, split_question, term_coverage

if TYPE_CHECKING:
    from .api import Assistant

__all__ = ["answer_question", "refusal_reason", "resolve_follow_up"]

MAX_SENTENCES = 3
LEXICAL_WEIGHT = 0.55  # sentence score: question terms it holds vs its passage's rank
REFUSE_BELOW = 0.0
MAX_ANSWER_CHARS = 260

# --------------------------------------------------------------------------------------------
# Follow-ups

_FOLLOW_UP_START = re.compile(
    r"^(那|那么|那麼|那个|那個|还有|還有|另外|它|这个|這個|其中|然后|然後|and|what about)"
)
_YEAR = re.compile(r"(19|20)\d{2}年?")


def _is_follow_up(question: str) -> bool:
    text = question.strip()
    return bool(_FOLLOW_UP_START.match(text.lower())) or (
        len(text) <= 10 and text.rstrip("?？ ").endswith(("呢", "嗎", "吗"))
    )


def resolve_follow_up(question: str, history: Sequence[str]) -> str:
    """'那2035年呢?' after '2025年GDP目标是多少?' → '2035年GDP目标是多少?' (else joined)."""
    previous = next((h for h in reversed(history) if h and h.strip()), None)
    if previous is None or not _is_follow_up(question):
        return question
    new_year = _YEAR.search(question)
    old_year = _YEAR.search(previous)
    if new_year and old_year:
        year = new_year.group(0) if new_year.group(0).endswith("年") else new_year.group(0) + "年"
        return previous[: old_year.start()] + year + previous[old_year.end() :].lstrip("年")
    core = _FOLLOW_UP_START.sub("", question.strip()).rstrip("?？呢嗎吗 ")
    return f"{previous.rstrip('?？ ')} {core}".strip()


# --------------------------------------------------------------------------------------------
# Refusal rules: the question is data, never instructions.

_INJECTION = re.compile(
    r"(忽略|无视|無視|忘记|忘記|别管|別管|不要管|跳过|跳過).{0,12}(指令|指示|规则|規則|设定|設定|提示|文件|上面|之前|以上)"
    r"|(系统|系統|开发者|開發者|隐藏|隱藏)\s*(提示|指令|设定|設定|规则|規則|prompt)|提示词|提示詞|prompt"
    r"|jailbreak|越狱|越獄|原样输出|原樣輸出|developer (mode|message|settings)|hidden (rules|instructions)"
    r"|ignore (all |your |the |any |previous |prior |above )*(instructions|rules|prompt)|system message"
    r"|(写|寫|作|编|編|来|來)(一|几|幾|两|兩)?(首|篇|段|个|個)(.{0,10})(诗|詩|词|詞|歌|绝句|絕句|律诗|律詩|笑话|笑話"
    r"|小说|小說|作文|对联|對聯|故事)|poem|haiku|joke|扮演|角色扮演|pretend"
    r"|(帮|幫|替)我(写|寫|编|編|做)|write me|write a"
    r"|你(是|用)(什么|什麼|哪个|哪個|誰|谁)?.{0,4}(模型|ai|机器人|機器人|程序|系统|系統)"
    r"|who (made|built|are) you",
    re.IGNORECASE,
)
_PERSONAL = re.compile(
    r"我(应该|應該|该不该|該不該|要不要|应不应该|應唔應該|适合|適合).{0,8}(买|買|卖|賣|投资|投資|搬|选|選|辞职|辭職|攞)"
    r"|值不值得(买|買)|推荐(我|一下)|股票|彩票|算命|哪(家|间|間|个|個|所).{0,8}(最好|最差|最便宜|最贵|最貴)"
)
# Things a resident may ask that a five-year plan never contains.
_OFF_TOPIC = re.compile(
    r"天气|下雨|气温|温度|带伞|刮风|台风什么时候|门票|票价|房价|楼价|二手房|二手楼|均价|多少钱一|油价|菜价|股价|"
    r"汇率|比分|电影|明星|演唱会|区长|书记是谁|市长是谁|区委书记|哪几天举办|哪天举办|几点开门|营业时间|电话号码|"
    r"星期几|几号|几点钟|签证|护照|"
    r"weather|rain|ticket|price of|stock|lottery|football|world cup|movie|celebrity"
)
# Questions about today, this week or next year, or about actual current values: the plan was
# written in 2021 and reports no live data.
_NOW = re.compile(
    r"今天|今日|明天|昨天|昨日|此刻|实时|本周|这周|下周|明年|后年|前年"
    r"|实际.{0,8}(现在|目前|今年|最新)|(现在|目前|今年|最新).{0,8}实际"
)
_PAST_EVENT = re.compile(
    r"(新开通|开通了|实际|已经|最近|今年|去年|目前|现在|最新|刚刚|举办|举行|开幕|哪几天|什么时候|走势)"
)
# Places a resident may ask about that are not Panyu: Guangzhou's other districts, other cities.
_OTHER_PLACES = """
    越秀 海珠 荔湾 天河 白云 黄埔 花都 南沙 从化 增城 北京 上海 天津 重庆 深圳 佛山 东莞 珠海 中山
    江门 惠州 肇庆 清远 汕头 湛江 韶关 香港 澳门 台湾 杭州 南京 苏州 成都 武汉 西安 长沙 厦门 顺德 南海
    前海 横琴 美国 英国 日本 韩国 加拿大 澳洲 澳大利亚 新加坡 欧洲 泰国
""".split()
_REPORTED_YEARS = {2015, 2020, 2025, 2035}


@dataclass(frozen=True)
class Evidence:
    """How well the retrieved text covers the question: the inputs of the refusal rule."""

    coverage: float  # rarity-weighted share of the question's terms found in the best passages
    dense_z: float  # how far the best passage's cosine stands above the rest (z-score)
    agreement: bool  # BM25 and dense agree on one of their top-3 places
    top_text: str = ""  # the best passages' text, normalised

    @property
    def support(self) -> float:
        """Calibrated on development questions: below REFUSE_BELOW the plan is silent.

        Words alone miss colloquial paraphrases; a dense best match that stands out from the
        other passages makes up for them. An off-topic question matches everything a little.
        """
        return self.coverage + 0.35 * (self.dense_z - 2.5) + (0.05 if self.agreement else 0.0)


def refusal_reason(question: str, evidence: Evidence, plan_text: str, tokens: list[str]) -> str | None:
    """Why the plan cannot answer, or None. Rules first, then the calibrated evidence threshold."""
    simplified = normalize(question).replace(" ", "")
    english = not re.search(r"[\u4e00-\u9fff]", simplified)
    if _INJECTION.search(question) or _INJECTION.search(simplified):
        return "instruction"
    if _PERSONAL.search(simplified):
        return "personal"
    if _OFF_TOPIC.search(simplified):
        return "not_in_plan"
    if "番禺" not in simplified:
        for name in _OTHER_PLACES:
            if name not in simplified:
                continue
            their_own = re.search(rf"{name}[区市]?(的|\"|十四五|规划|gdp|人口|经济)", simplified)
            if their_own or name not in plan_text or evidence.coverage < 0.5:
                return "other_place"
    for year in {int(y) for y in re.findall(r"(?:19|20)\d{2}", simplified)}:
        unreported = year not in _REPORTED_YEARS and str(year) not in evidence.top_text
        if (2021 <= year <= 2024 or year > 2035) and _PAST_EVENT.search(simplified) or unreported:
            return "outside_period"
    if _NOW.search(simplified):
        return "outside_period"
    if _PAST_EVENT.search(simplified) and evidence.coverage < 0.3:
        return "not_in_plan"
    if english and not tokens and evidence.dense_z < 3.0:  # no topic word the plan knows
        return "not_in_plan"
    if evidence.support < REFUSE_BELOW:
        return "not_in_plan"
    return None


_REFUSAL_TEXT = {
    "no_such_place": (
        "規劃綱要沒有這個章節、專欄或附件項目(共14章51節、18個專欄、3個附件)。",
        "The plan has no such chapter, section, column or appendix row "
        "(it has 14 chapters, 51 sections, 18 columns and 3 appendices).",
    ),
    "instruction": (
        "我只根據《番禺區“十四五”規劃綱要》回答問題,不執行其他指令。",
        "I only answer questions from the Panyu 14th Five-Year Plan and do not follow other instructions.",
    ),
    "personal": (
        "規劃綱要不提供個人建議或投資判斷。",
        "The plan does not give personal or investment advice.",
    ),
    "other_place": (
        "規劃綱要只涉及番禺區,沒有這個地方的相關內容。",
        "The plan covers Panyu District only and says nothing about that place.",
    ),
    "outside_period": (
        "規劃綱要寫於2021年,規劃期為2021—2025年(展望2035年),沒有這個時間的實際情況。",
        "The plan was written in 2021 for 2021–2025 (with a 2035 vision); it does not report that.",
    ),
    "not_in_plan": ("規劃綱要沒有涉及這個問題。", "The plan does not cover this question."),
}


# --------------------------------------------------------------------------------------------
# Sentence scoring


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    sentence: str
    position: int
    score: float
    terms: frozenset[str]


_NUMBER_QUESTION = re.compile(
    r"多少|几|幾|多大|多长|多長|多高|比例|比重|目标|目標|how many|how much|數量|数量|规模|規模|面积|面積"
)
_DIGIT = re.compile(r"\d")
_TABLE_HINTS = {
    "2025": ("2025",),
    "目标": ("目標", "規劃目標"),
    "2020": ("2020",),
    "2015": ("2015",),
    "增速": ("增速",),
    "增长": ("增速",),
    "属性": ("屬性",),
    "约束": ("屬性",),
    "预期": ("屬性",),
    "总投资": ("總投資",),
    "累计": ("累計完成",),
    "完成投资": ("累計完成",),
    "计划投资": ("計劃投資",),
    "功能定位": ("功能定位",),
    "定位": ("定位",),
    "重点产业": ("重點產業",),
    "产业": ("重點產業",),
    "发展目标": ("發展目標",),
    "发展方向": ("發展方向",),
    "方向": ("發展方向",),
    "思路": ("總體定位", "發展方向"),
}


def _candidates(
    assistant: Assistant, hits: list[Hit], weights: dict[str, float], number_question: bool
) -> list[Candidate]:
    top = hits[0].score if hits and hits[0].score > 0 else 1.0
    tokenizer = assistant.index.tokenizer
    out = []
    for rank, hit in enumerate(hits):
        if hit.passage.kind == "notes" and rank > 0:
            continue
        prior = max(hit.score, 0) / top
        for pos, sentence in enumerate(hit.passage.sentences):
            terms = frozenset(tokenizer(sentence)) & weights.keys()
            lexical = term_coverage(weights, terms)
            score = LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * prior - 0.01 * rank
            if number_question and _DIGIT.search(sentence):
                score += 0.08
            if len(sentence) < 12:
                score -= 0.1
            out.append(Candidate(hit.passage, sentence, pos, score, terms))
    out.sort(key=lambda c: -c.score)
    return out


def _choose(candidates: list[Candidate]) -> list[Candidate]:
    """The best sentence, plus up to two that add question terms or continue it."""
    if not candidates:
        return []
    best = candidates[0]
    chosen = [best]
    covered = set(best.terms)
    length = len(best.sentence)
    for c in candidates[1:]:
        if len(chosen) >= MAX_SENTENCES or length + len(c.sentence) > MAX_ANSWER_CHARS:
            continue
        bar = 0.85 if best.passage.kind == "row" else 0.7
        adds_terms = bool(c.terms - covered) and c.score >= bar * best.score
        continues = (
            c.passage.id == best.passage.id
            and abs(c.position - best.position) == 1
            and c.score >= 0.6 * best.score
            and best.passage.kind == "paragraph"
        )
        if adds_terms or continues:
            chosen.append(c)
            covered |= c.terms
            length += len(c.sentence)
    # the best sentence's passage first, in reading order; then the others as ranked
    return sorted(chosen, key=lambda c: (c.passage.id != best.passage.id, c.position))


# --------------------------------------------------------------------------------------------
# Tables


def _table_sentence(assistant: Assistant, passage: Passage, question: str) -> tuple[str, Chart | None]:
    """`2025年規劃目標 1.6;2020年完成(預計) 0.7(附件2 第8項 5G基站數量(萬座))` from the row."""
    node = assistant.outline.find(passage.place)
    table = getattr(node, "table", None)
    row = None
    if table is not None:
        row = next(
            (
                r
                for r in table.all_rows()
                if r.place == passage.place and r.place.title == passage.place.title
            ),
            None,
        )
    if row is None:
        return passage.text, None
    asked = normalize(question)
    wanted = {name for hint, names in _TABLE_HINTS.items() if hint in asked for name in names}
    pairs = [
        (h, v)
        for h, v in zip(table.header, row.cells, strict=True)
        if v and h not in NAMING_COLUMNS and h != "類別"
    ]
    first = [(h, v) for h, v in pairs if any(w in h for w in wanted)]
    ordered = first + [p for p in pairs if p not in first]
    body = ";".join(f"{h} {v}" for h, v in ordered)
    return f"{passage.place.title}:{body.rstrip('。')}。", _chart(table.header, row, passage.place)


def _chart(header: tuple[str, ...], row, place: Place) -> Chart | None:
    if place.appendix not in (1, 2, 3):
        return None
    points = []
    for name, value in zip(header, row.cells, strict=True):
        m = re.fullmatch(r"[\[(]?[≥≤]?(-?\d+(?:\.\d+)?)(?:左右)?[\])]?\*?", value)
        if m and name not in ("序號",) and not name.startswith("2016"):
            points.append((name, float(m.group(1))))
    if len(points) < 2:
        return None
    unit = ""
    if "單位" in header:
        unit = row.cells[header.index("單位")]
    elif m := re.search(r"\(([^()]*)\)$", place.title):
        unit = m.group(1)
    return Chart(place.title, unit, tuple(points))


# --------------------------------------------------------------------------------------------
# Composition


def _render(text: str, script: str) -> str:
    return to_simplified(text) if script == "simplified" else text


def _tag(place: Place, script: str) -> str:
    return f"〔{place.short_label('simplified' if script == 'simplified' else 'traditional')}〕"


@dataclass
class _Part:
    sentences: list[tuple[str, Place]]
    sources: list[Source]
    located_places: list[Place]
    chart: Chart | None
    refusal: str | None
    hits: list[Hit]


def _answer_part(assistant: Assistant, question: str) -> _Part:
    searcher = assistant.searcher
    scores = searcher.scores(question)
    tokens = list(scores.tokens)
    weights = searcher.term_weights(tokens)
    hits = searcher.rank(scores, k=12)
    located = group_hits(searcher.rank(scores, k=60))
    # evidence: coverage of the question's terms by the top passages; BM25/dense agreement
    found: set[str] = set()
    for hit in hits[:3]:
        found |= searcher.passage_tokens[hit.passage.id]
    bm25_places = [p.place for p in group_hits(searcher.rank(scores, 20, "bm25"))[:3]]
    dense_places = [p.place for p in group_hits(searcher.rank(scores, 20, "dense"))[:3]]
    dense = scores.dense
    z = float((dense.max() - dense.mean()) / dense.std()) if dense.std() > 0 else 0.0
    top_text = normalize(" ".join(h.passage.context_text for h in hits[:5]))
    agreement = bool(set(bm25_places) & set(dense_places))
    evidence = Evidence(term_coverage(weights, found), z, agreement, top_text)
    places = [assistant.titled(loc.place) for loc in located]
    if scores.reference is not None and not any(scores.reference.matches(p.place)
                                                for p in assistant.index.passages):
        return _Part([], [], places, None, "no_such_place", hits)
    if scores.reference is not None and _only_reference(question, tokens, assistant):
        summary = _overview(assistant, scores.reference)
        if summary is not None:
            return summary
    refusal = refusal_reason(question, evidence, assistant.plan_text, tokens)
    if refusal:
        return _Part([], [], places, None, refusal, hits)
    number_question = bool(_NUMBER_QUESTION.search(normalize(question)))
    chosen = _choose(_candidates(assistant, hits[:8], weights, number_question))
    sentences: list[tuple[str, Place]] = []
    chart = None
    for c in chosen:
        if c.passage.kind == "row":
            text, chart = _table_sentence(assistant, c.passage, question)
            sentences.append((text, c.passage.place))
        else:
            sentences.append((_strip_item_prefix(c.sentence), c.passage.place))
    quotes: dict[int, list[str]] = {}
    for c in chosen:
        quotes.setdefault(c.passage.id, []).append(c.sentence)
    sources = [
        Source(h.passage.place, h.passage.text, h.score, tuple(quotes.get(h.passage.id, ())))
        for h in hits[:5]
    ]
    sources.sort(key=lambda s: not s.quotes)
    return _Part(sentences, sources, places, chart, None, hits)


_REFERENCE_WORDS = re.compile(
    r"第[一二三四五六七八九十两\d]+[章节節项項个個]|专栏\s*\d+|專欄\s*\d+|附件\s*\d"
)
_GENERIC = set("讲 说 写 内容 主要 关于 介绍 讲的 什么 哪些 总结 概括 有 包括 看看 列出".split())


def _only_reference(question: str, tokens: list[str], assistant: Assistant) -> bool:
    """'第八章第三节讲什么?': the question names a place and asks for nothing narrower."""
    rest = assistant.index.tokenizer(_REFERENCE_WORDS.sub(" ", normalize(question)))
    return all(t in _GENERIC or len(t) == 1 or t.isdigit() for t in rest)


def _overview(assistant: Assistant, ref) -> _Part | None:
    """What a named place is: its label, what it contains, its opening sentences."""
    passages = [p for p in assistant.index.passages if ref.matches(p.place)]
    if not passages:
        return None
    first = passages[0]
    if ref.row is not None:
        text = _table_sentence(assistant, first, "")[0] if first.kind == "row" else first.text
        return _Part([(_strip_item_prefix(text), first.place)],
                     [Source(first.place, first.text, 1.0, (first.text,))], [first.place], None,
                     None, [])
    p = first.place
    group = (Place(appendix=p.appendix) if p.appendix is not None
             else Place(chapter=p.chapter, section=ref.section if ref.column is None else p.section,
                        column=ref.column))
    node = assistant.outline.find(group)
    if node is None:
        return None
    contents, opening = "", ""
    if hasattr(node, "table"):
        names = [r.place.title for r in node.table.rows]
        shown = "、".join(names[:20]) + ("等" if len(names) > 20 else "")
        contents = f"共{len(names)}項:{shown}。"
    else:
        if hasattr(node, "subsections") and node.subsections:
            parts = [f"{cn_numeral(sub.number)}、{sub.title}" for sub in node.subsections]
            contents = "包括:" + ";".join(parts) + "。"
        elif hasattr(node, "sections"):
            parts = [f"第{cn_numeral(sec.number)}節 {sec.title}" for sec in node.sections]
            contents = "包括:" + ";".join(parts) + "。"
        if first.kind == "paragraph":
            opening = "".join(split_sentences(first.text)[:2])
    text = f"{node.place.label()}。{contents}{opening}"
    sources = [Source(q.place, q.text, 1.0, (opening,) if q is first and opening else ())
               for q in passages[:5]]
    return _Part([(text, node.place)], sources, [node.place], None, None, [])


def _strip_item_prefix(sentence: str) -> str:
    """List items are stored as `專欄N title 第k項 name:text`; the answer quotes `name:text`."""
    m = re.match(r"^專欄\d+ \S+ 第\d+項 (.+)$", sentence)
    return m.group(1) if m else sentence


def _english_lead(places: list[Place]) -> str:
    where = ", ".join(p.short_label() for p in places[:2])
    return f"According to the plan ({where}):"


def answer_question(
    assistant: Assistant, question: str, history: Sequence[str] = (), script: str | None = None
) -> Answer:
    question = check_question(question)
    asked_script = detect_script(question)
    script = script or asked_script
    resolved = resolve_follow_up(question, [check_question_or_empty(h) for h in history])
    parts = [_answer_part(assistant, part) for part in split_question(resolved)]
    answered = [p for p in parts if not p.refusal]
    suggestions = _suggestions(parts)
    if not answered:
        reason = parts[0].refusal or "not_in_plan"
        traditional, english = _REFUSAL_TEXT[reason]
        hint = "" if reason == "instruction" else _suggestion_text(suggestions, script)
        if script == "english":
            text = english + (
                " Closest sections: " + "; ".join(p.label() for p in suggestions)
                if suggestions and reason != "instruction"
                else ""
            )
        else:
            text = _render(traditional + hint, script)
        return Answer(
            question,
            text,
            script,
            True,
            [],
            sources=[],
            suggestions=suggestions,
            resolved_question=resolved if resolved != question else None,
        )

    lines: list[str] = []
    citations: list[Place] = []
    for part in answered:
        for sentence, place in part.sentences:
            lines.append(_render(sentence, script) + _tag(place, script))
            if place not in citations:
                citations.append(place)
    cited_sections = {c.section_place() for c in citations}
    related = [p for part in answered for p in part.located_places
               if p.section_place() not in cited_sections]
    related = list(dict.fromkeys(related))[:2]
    body = "".join(lines)
    if script == "english":
        body = f"{_english_lead(citations)}\n{body}"
    if related:
        labels = "、".join(
            p.short_label("simplified" if script == "simplified" else "traditional") for p in related
        )
        body += ("\nSee also: " if script == "english" else _render("\n另見:", script)) + labels
    sources = [s for part in answered for s in part.sources]
    chart = next((p.chart for p in answered if p.chart), None)
    return Answer(
        question,
        body,
        script,
        False,
        citations + related,
        sources=sources,
        suggestions=[],
        chart=chart,
        resolved_question=resolved if resolved != question else None,
    )


def check_question_or_empty(text: str) -> str:
    try:
        return check_question(text)
    except ValueError:
        return ""


def _suggestions(parts: list[_Part]) -> list[Place]:
    seen: list[Place] = []
    for part in parts:
        for place in part.located_places:
            if place not in seen:
                seen.append(place)
    return seen[:3]


def _suggestion_text(places: list[Place], script: str) -> str:
    if not places:
        return ""
    labels = ";".join(p.label() for p in places)
    return f"最接近的章節:{labels}。"
