"""The default answerer: offline and extractive, so every figure it shows is the plan's own.

`ExtractiveAnswerer.answer(question, history)` → `Answer` (data; `render.py` writes it out).
Steps: (1) clean the question and resolve a follow-up against the previous turn; (2) split a
two-part question; (3) for each part, retrieve passages and score their sentences (question terms
weighted by rarity, the passage's rank, figures for number questions); (4) answer a table question
from its row, naming row and column; (5) refuse when the plan does not cover the question, with
the closest sections as suggestions; a personal-advice refusal quotes the relevant policy.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from .answer import Answer, Chart, Claim, Source, check_question
from .counted import (
    Sentence,
    chinese_counted,
    counted_words,
    english_names,
    figure_words,
    indicator_name,
    indicator_vocabulary,
    named_words,
    names_all,
    row_answers,
)
from .figures import Twin, figure_twins, unreported_twins
from .followups import (
    ASPECT_WORDS,
    OWN_QUESTION,
    Turn,
    ordinal_number,
    ordinal_reference,
    resolve_follow_up,
    whole_terms,
)
from .glossary import Glossary
from .normalize import detect_script, normalize
from .outline import NO_FIGURE_CELLS, Outline, Place, Row, Table, cn_numeral
from .passages import NAMING_COLUMNS, Passage, split_sentences
from .refusal import INTENT_REFUSALS, Evidence, category_reason, refusal_reason
from .retrieval import (
    Hit,
    Reference,
    Searcher,
    group_hits,
    group_place,
    split_question,
    term_coverage,
)
from .scope import YEAR, YEAR_SPAN, PlanScope
from .tokens import english_words, mapped_share, spell_out
from .tuning import (
    CONTINUATION_BAR,
    EXTRA_ROW_BAR,
    EXTRA_SENTENCE_BAR,
    FOCUS_WEIGHT,
    LEXICAL_WEIGHT,
    MAX_ANSWER_CHARS,
    MAX_SENTENCES,
    NUMBER_BONUS,
    RANK_PENALTY,
    RARE_INDICATOR_WORD,
    ROW_WITHOUT_YEAR_PENALTY,
    SENTENCE_SIMILARITY_WEIGHT,
    SHORT_SENTENCE_CHARS,
    SHORT_SENTENCE_PENALTY,
    TOTAL_ROW_BONUS,
    YEAR_BONUS,
)

__all__ = ["ExtractiveAnswerer"]

HITS_FOR_SENTENCES = 8
HITS_FOR_SOURCES = 5
EVIDENCE_PASSAGES = 3  # a place or year the question names must stand in this many best passages
PLACES_POOL = 60
MAX_SUGGESTIONS = 3
MAX_RELATED = 2

_NUMBER_QUESTION = re.compile(
    r"多少|几|多大|多长|多高|比例|比重|目标|how many|how much|数量|规模|面积|what share|percent"
    r"|\btarget\b|how (big|large|long)"
)
_DIGIT = re.compile(r"\d")
# An indicator that is a ratio (城镇化率, 占地区生产总值比重, 每千常住人口执业医师数), and a
# question that asks for one
_RATIO_ROW = re.compile(r"(率|比重|比例|占比)$|^每[十百千万]")
_RATIO_ASKED = re.compile(r"率|比重|比例|占比|占|百分|%|‰|每[一1]?[十百千万\d]|percent|share|rate|proportion"
                          r"|\bper\b")
# What kind of amount a figure question asks (a count: 多少个, 几所, 人次, how many; money: 多少钱,
# how much money, cost, salary) and what kind a row's unit measures (億元 money; 萬人, 個, 件 a
# count): an indicator of one kind never answers a question of the other (几多个亿 asks money: 个
# counts the 亿). Chinese classifiers and currency words are closed classes of the language.
_COUNT_ASKED = re.compile(r"(多少|几)(个(?![十百千万亿])|所|家|座|条|张|辆|件|项|套|间|栋|名|位|人|户|次"
                          r"|处|台|部|只|支|根|场|棵)|人次|人数"
                          r"|\bhow many\b(?!\W+(\w+\W+){0,2}(yuan|rmb|dollars?)\b)")
_MONEY_ASKED = re.compile(r"(多少|几)(钱|元|块)|\b(how much money|how many (yuan|rmb)|cost|costs|price|prices"
                          r"|salary|salaries|wages?)\b")
_MONEY_UNIT = "元"
# A total asked for (一共, 总共, 加起来, in total), and a table's row that gives it (合計, 總計).
_TOTAL_QUESTION = re.compile(r"一共|总共|合共|共计|合计|总计|加起来|加埋|in total|altogether|combined")
_TOTAL_ROW = re.compile(r"^(合计|总计)")
# A question for an amount (多少, 几个, how many) — not 几时 (when), 目标 (goal), 这几年 (these
# few years) or 哪几个 / Cantonese 边几个 (which ones) — and a figure that answers one: digits, or
# a Chinese numeral with its unit (十個鎮街, 翻一番; not 一批, 統一).
_AMOUNT_QUESTION = re.compile(r"多少|几多|(?<![哪边多第好这那近])几[个所家条座万成年]|how (many|much)")
_FIGURE = re.compile(r"\d|[一二三四五六七八九十两百千万亿]+[个座所家条项万亿倍番成]")
# "list" asks for one as a request ("list the …", "can you list"), not as a noun ("in the list")
_LIST_QUESTION = re.compile(r"哪些|哪几|分别|有边些|边几|有什么|\bwhich\b|what are"
                            r"|^list\b|\b(please|you) list\b")
MAX_LISTED_ROWS = 10
# a lead bullet of the plan's prose lists: ——堅持黨的全面領導。 (after a lead-in's colon, the first)
_BULLET = re.compile(r"(?:^|[:：])——(.+)")
_ATTRIBUTE = "屬性"  # the column (預期性/約束性) that marks a table of the plan's indicators
# Why a figure is missing (ExtractiveAnswerer._figure_missing): the best sentence is about what was
# asked but gives no such figure, or no sentence found names what is counted at all
_MISSING, _UNNAMED = "missing", "unnamed"
# What a table question may ask for → the column names (the plan's own) that hold it.
_TABLE_HINTS = {
    "2025": ("2025",), "目标": ("目標", "規劃目標"), "2020": ("2020",), "2015": ("2015",),
    "增速": ("增速",), "增长": ("增速",), "属性": ("屬性",), "约束": ("屬性",), "预期": ("屬性",),
    "总投资": ("總投資",), "累计": ("累計完成",), "完成投资": ("累計完成",), "计划投资": ("計劃投資",),
    "功能定位": ("功能定位",), "定位": ("定位",), "重点产业": ("重點產業",), "产业": ("重點產業",),
    "发展目标": ("發展目標",), "发展方向": ("發展方向",), "方向": ("發展方向",),
}
_REFERENCE_WORDS = re.compile(
    r"第[一二三四五六七八九十两\d]+[章节項项个]|专栏\s*\d+|附件\s*\d"
)
# Words that ask what a named place is about, and nothing narrower (第八章第三节讲什么?).
_GENERIC = set("讲 说 写 内容 主要 关于 介绍 讲的 什么 哪些 总结 概括 有 包括 看看 列出".split())
_LEAD_IN = re.compile(r"[:：]\s*$")
_ITEM_PREFIX = re.compile(r"^專欄\d+ \S+ 第\d+項 (.+)$")
_ENGLISH_ITEM_PREFIX = re.compile(r"^(Box|Appendix) \d+\b.*?\bitem \d+[,:]\s*")  # its English


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    sentence: str
    position: int
    score: float
    terms: frozenset[str]


@dataclass
class _Part:
    """One part of a (possibly two-part) question, answered or refused."""

    claims: list[Claim] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    located: list[Place] = field(default_factory=list)
    chart: Chart | None = None
    refusal: str | None = None


class ExtractiveAnswerer:
    """Answers from the plan's own sentences; built once per process by `Assistant.open`."""

    def __init__(self, outline: Outline, searcher: Searcher, glossary: Glossary | None = None):
        self.outline = outline
        self.searcher = searcher
        self.glossary = glossary or Glossary()
        self.scope = PlanScope.of(outline)
        self.no_topic = self.scope.district_names | set(self.scope.period_names)  # name no topic
        self.passages = searcher.passages
        # where each passage's sentences start in the index's sentence vectors
        owners = searcher.sentence_owner
        self.sentence_start = np.searchsorted(owners, np.arange(len(self.passages)))
        # all passages, normalised: to tell names the plan never mentions
        self.plan_text = normalize("\n".join(p.text for p in self.passages)).replace(" ", "")
        # what a question asks of a topic: the words of the plan's table headers, and measure words
        tokenizer = searcher.index.tokenizer
        headers = {h for table in outline.tables for h in table.header}
        self.aspects = ASPECT_WORDS | {t for h in headers for t in tokenizer(h) if not t.isdigit()}
        # figures stated both in an indicator row and in a sentence: either quotes the other;
        # keyed by each side's (passage id, sentence position) — a row is its passage's sentence 0
        self.twins: dict[tuple[int, int], list[Twin]] = {}
        for twin in self._figure_twins():
            self.twins.setdefault((twin.row, 0), []).append(twin)
            self.twins.setdefault((twin.passage, twin.position), []).append(twin)

    # the public call ---------------------------------------------------------------------------
    def answer(self, question: str, history: Sequence[str | Turn] = (),
               script: str | None = None) -> Answer:
        """Cited claims from the plan, or a refusal with the closest places.

        `history`: earlier questions (or Turns), oldest first. `script`: None follows the question.
        Raises QuestionError for empty, over-long or wordless input.
        """
        question = check_question(question)
        script = script or detect_script(question)
        earlier = self._resolved_turns([t for t in (self._clean_turn(h) for h in history)
                                        if t is not None])
        if earlier and not earlier[-1].items and ordinal_reference(question):
            # 第二个呢 refers to what the previous answer listed: answer it again to know
            before = self.answer(earlier[-1].question, earlier[:-1], script)
            earlier[-1] = Turn(earlier[-1].question, before.items)
            if not before.items and (enumerated := self._enumerated(before, question, script)):
                return enumerated
        resolved = self._resolve(question, earlier)
        if resolved != question and earlier:
            resolved = self._swap_named_row(question, earlier[-1].question) or resolved
        # a follow-up's own words (其中农村的, 那珠宝, 投资多少) are what it asks: they weigh more
        # than the previous question's in choosing sentences
        focus = (frozenset(t for t in self.searcher.index.tokenizer(question) if len(t) > 1)
                 if resolved != question else frozenset())
        own = question if resolved != question else None
        texts = split_question(resolved)
        # a later part may lean on the one before it ("…, and how many are there?")
        texts[1:] = [self._resolve(text, [Turn(before)])
                     for before, text in zip(texts, texts[1:], strict=False)]
        parts = [self._answer_part(part, focus, own, vector)
                 for part, vector in zip(texts, self.searcher.question_vectors(texts), strict=True)]
        if intent := next((p for p in parts if p.refusal in INTENT_REFUSALS), None):
            parts = [intent]  # "…? 推荐几个楼盘": what is asked of us colours the whole message
        answered = [p for p in parts if not p.refusal]
        common = {"question": question, "script": script, "scope": self.scope,
                  "resolved_question": resolved if resolved != question else None}
        if not answered:
            refusal = parts[0].refusal or "not_in_plan"
            return Answer(refusal=refusal, suggestions=tuple(self._suggestions(parts)),
                          claims=tuple(c for p in parts for c in p.claims),
                          sources=tuple(s for p in parts for s in p.sources), **common)
        claims = _unique(c for part in answered for c in part.claims)
        if script == "english":  # the place named in English where the glossary has its title
            claims = [replace(c, place=replace(c.place, title_en=self.glossary.title(c.place.title)))
                      for c in claims]
        cited = {c.place.section_place() for c in claims}
        related = [p for part in answered for p in part.located if p.section_place() not in cited]
        return Answer(
            claims=tuple(claims),
            sources=tuple(s for part in answered for s in part.sources),
            related=tuple(dict.fromkeys(related))[:MAX_RELATED],
            chart=next((p.chart for p in answered if p.chart), None),
            **common,
        )

    def _resolve(self, question: str, earlier: Sequence[Turn]) -> str:
        return resolve_follow_up(question, earlier, self.plan_terms,
                                 lambda phrase: normalize(phrase) in self.plan_text,
                                 self.content_words)

    def _resolved_turns(self, turns: list[Turn]) -> list[Turn]:
        """Earlier turns as understood in their own context: 'How big is its site?' after a
        question about the stadium is a question about the stadium, so 'when is it built?' that
        follows it is too. Each turn is resolved against the ones before it, already resolved."""
        out: list[Turn] = []
        for turn in turns:
            out.append(Turn(self._resolve(turn.question, out), turn.items) if out else turn)
        return out

    def _enumerated(self, before: Answer, question: str, script: str) -> Answer | None:
        """'第四个是什么?' after an answer quoting a place that counts its points in the plan's
        way (一是…, 二是…, 四是…): the sentence of that place that opens with that count; after
        one listing a place's bullets (——堅持黨的全面領導。…), the n-th bullet with its body."""
        n = ordinal_number(question)
        if n is None or before.refused:
            return None
        opening = f"{cn_numeral(n)}是"
        places = list(dict.fromkeys(c.place for c in before.claims))
        for place in places:  # the quoted places first, every passage of each in reading order
            for passage in (p for p in self.passages if p.place == place):
                for position, sentence in enumerate(passage.sentences):
                    if normalize(sentence).startswith(opening):
                        source = Source(place, passage.text, 1.0, (sentence,))
                        english = self.searcher.translations.sentence(passage.id, position)
                        claim = Claim(sentence, place, english=english)
                        return Answer(claims=(claim,), sources=(source,),
                                      question=question, script=script, scope=self.scope,
                                      resolved_question=f"{before.question} {question}")
        for place in places:  # or its n-th bullet (——堅持新發展理念。…): the lead and its body
            run = self._bullet_runs.get(place, ())
            if n <= len(run):
                passage, lead = run[n - 1]
                said = passage.sentences[:2]
                claims = tuple(Claim(lead if i == 0 else sentence, place,
                                     english=self.searcher.translations.sentence(passage.id, i))
                               for i, sentence in enumerate(said))
                return Answer(claims=claims, sources=(Source(place, passage.text, 1.0, tuple(said)),),
                              question=question, script=script, scope=self.scope,
                              resolved_question=f"{before.question} {question}")
        return None

    def _swap_named_row(self, question: str, previous: str) -> str | None:
        """'那工人文化宫呢?' after '图书馆新馆总投资多少?': both name rows of one 專欄 or table, so
        the follow-up asks the previous question of its own row (the previous one's name
        replaced), rather than the previous question narrowed by it."""
        names = self.searcher.names
        new, old = names.match(question), names.match(previous)
        if new is None or old is None or set(new[0]) & set(old[0]):
            return None
        tables = {group_place(self.passages[i].place) for i in old[0]}
        if not any(group_place(self.passages[i].place) in tables for i in new[0]):
            return None
        text = normalize(previous).replace(" ", "")
        return text.replace(old[1], new[1], 1)

    def plan_terms(self, text: str) -> list[str]:
        """A text's topic terms: search terms that the plan has (时间表 or 几时 name no topic: the
        plan never uses them) and that are not an aspect asked of a topic (投资, 面积, 目标: the
        plan's table headers and general measure words) nor a verb, adverb or the like (达到, 完成:
        jieba's part of speech), so "投资多少?", "有冇时间表?" or "产值能达到多少?" leans on the
        question before it."""
        # parts first: 时间 of 时间表 is no topic, though the plan has it; nor is a verb (达到)
        tokenizer = self.searcher.index.tokenizer
        function_words = tokenizer.function_words(text)
        return [t for t in whole_terms(tokenizer(text))
                if t in self.searcher.vocabulary and t not in self.aspects
                and t not in function_words]

    def content_words(self, text: str) -> list[str]:
        """A text's search words that are not function words (具体点, 然后, 讲讲 have none); an
        English text's content words (kids, details: the word map holds few of them)."""
        if detect_script(text) == "english":
            return english_words(text)
        tokenizer = self.searcher.index.tokenizer
        function_words = tokenizer.function_words(text)
        return [t for t in tokenizer(text) if t not in function_words]

    @staticmethod
    def _clean_turn(turn: str | Turn) -> Turn | None:
        text = turn.question if isinstance(turn, Turn) else turn
        try:
            cleaned = check_question(text)
        except ValueError:
            return None
        return Turn(cleaned, turn.items) if isinstance(turn, Turn) else Turn(cleaned)

    def assess(self, question: str) -> tuple[Evidence, str | None]:
        """The refusal inputs for one question: its evidence and the category rule that refuses
        it, if any (for calibrating the evidence model, bench/calibrate_refusal.py)."""
        question = check_question(question)
        scores = self.searcher.scores(question)
        weights = self.searcher.term_weights(list(scores.tokens))
        evidence = self._evidence(question, scores, self.searcher.rank(scores, k=12), weights)
        return evidence, category_reason(question, evidence, self.scope, self.plan_text)

    # one part ----------------------------------------------------------------------------------
    def _evidence(self, question: str, scores, hits: list[Hit],
                  weights: dict[str, float]) -> Evidence:
        searcher = self.searcher
        found: set[str] = set()
        for hit in hits[:3]:
            found |= searcher.passage_tokens[hit.passage.id]
        bm25_places = [p.place for p in group_hits(searcher.rank(scores, 20, "bm25"))[:3]]
        dense_places = [p.place for p in group_hits(searcher.rank(scores, 20, "dense"))[:3]]
        dense = scores.dense
        z = float((dense.max() - dense.mean()) / dense.std()) if dense.std() > 0 else 0.0
        expansion = scores.expansion
        has_expansions = expansion is not None and not np.isnan(expansion).all()
        expansion_top = float(np.nanmax(expansion)) if has_expansions else 0.0
        top_text = normalize(" ".join(h.passage.context_text for h in hits[:EVIDENCE_PASSAGES]))
        # a word of how the question is put (打算, 怎么做) that the plan never uses says nothing
        # of whether it covers the topic; an unknown noun (演唱会) does. An English question's
        # own words count where its English keys hold them
        unknown = {t for t in weights if t not in searcher.vocabulary}
        said = searcher.index.tokenizer.function_words(question) if unknown else set()
        topic = {t: w for t, w in weights.items() if t not in unknown & said}
        return Evidence(
            coverage=max(term_coverage(topic, found), scores.english_confidence),
            all_words_coverage=max(term_coverage(weights, found), scores.english_confidence),
            dense_z=z, dense_top=float(dense.max()),
            sentence_top=float(scores.sentence.max()) if scores.sentence is not None else 0.0,
            expansion_top=expansion_top, agreement=bool(set(bm25_places) & set(dense_places)),
            has_topic=bool(weights) or scores.english_confidence > 0,
            english=detect_script(question) == "english",
            top_text=top_text.replace(" ", ""), has_expansions=has_expansions)

    def _answer_part(self, question: str, focus: frozenset[str] = frozenset(),
                     own: str | None = None, vector: np.ndarray | None = None) -> _Part:
        """One part of a question. A follow-up's `focus` (its own terms) and `own` words (what it
        asks of the previous topic: 几时建好 asks no amount, though the previous question did);
        `vector`: the part's query vector, embedded with the other parts'."""
        searcher = self.searcher
        scores = searcher.scores(question, vector=vector)
        weights = searcher.term_weights(list(scores.tokens))
        answer_weights = {t: w * (FOCUS_WEIGHT if t in focus else 1.0) for t, w in weights.items()}
        hits = searcher.rank(scores, k=12)
        places = [self.outline.titled(loc.place)
                  for loc in group_hits(searcher.rank(scores, k=PLACES_POOL))]
        reference = scores.reference
        if reference is not None and not any(reference.matches(p.place) for p in self.passages):
            return _Part(located=places, refusal="no_such_place")
        if reference is not None and self._only_reference(question):
            overview = self._overview(reference)
            if overview is not None:
                return overview
        refusal = refusal_reason(question, self._evidence(question, scores, hits, weights), self.scope,
                                 self.plan_text)
        if refusal and refusal != "personal":
            return _Part(located=places, refusal=refusal)
        number_question = bool(_NUMBER_QUESTION.search(normalize(question)))
        years = frozenset(YEAR.findall(question))
        # the years a figure is asked for: those named, else the plan's period named (十四五)
        asked_years = years or frozenset(self.scope.period_years(question))
        total = bool(_TOTAL_QUESTION.search(normalize(question)))
        own_words = set(english_words(own)) if own else set()
        english = {w: v * (FOCUS_WEIGHT if w in own_words else 1.0)
                   for w, v in searcher.english_keys.word_weights(question).items()}
        candidates = self._candidates(hits[:HITS_FOR_SENTENCES], answer_weights, number_question,
                                      scores.sentence, years, mapped_share(question), total, english)
        fitting = self._fitting_rows(candidates, question, own) if number_question else candidates
        if candidates and not fitting:  # only indicators of other things were found
            return _Part(located=places, refusal="no_figure")
        chosen = _choose(fitting)
        blank = None  # the best row gives no figure for the year asked (暫無核定數): the text may
        if asked_years and number_question and chosen and self._year_blank(chosen[0], asked_years):
            blank = chosen[0]  # state it, by the row's whole name; else the plan gives none
            stated = next(((s, c) for c in fitting if self._year_blank(c, asked_years)
                           and (s := self._stated_elsewhere(c, asked_years))), None)
            if stated is None:
                refusal, chosen = "no_figure", [blank]
            else:
                chosen = list(stated)
        chosen = self._continue_lead_ins(chosen)
        if asked_years and number_question and chosen and self._year_not_reported(chosen[0], asked_years):
            # the indicator is the plan's, not for that year: its row, with the years it reports
            refusal, chosen = "no_figure", chosen[:1]
        # a follow-up's own words say what it asks (几时建好? asks no amount; 那学位呢? the
        # amount of 学位), unless they name no topic and ask nothing (那2035年呢?, 具体点呢?):
        # then it asks the previous question, for its year
        says_nothing = (own is not None and not self.plan_terms(YEAR.sub(" ", own))
                        and not OWN_QUESTION.search(normalize(own)))
        figure_asked = question if says_nothing else own or question
        missing = (self._figure_missing(chosen, figure_asked, years, number_question, focus, hits[:3])
                   if chosen and not refusal and blank is None else None)
        if missing:
            context = self._context(candidates, fitting, answer_weights)
            if missing == _UNNAMED or context is None:  # no found sentence speaks of it
                return _Part(located=places, refusal="no_figure")
            refusal, chosen = "no_figure", [context]
        # a follow-up that asks its own question (几时建好? when is it built?) asks no list,
        # though the previous question did; one that only names a topic (旧城改造呢?) does
        asks = own if own is not None and OWN_QUESTION.search(normalize(own)) else question
        listed = self._listed_rows(asks, chosen)
        listed_best = chosen[0].passage.id if chosen else None  # quoted whole among the names
        if listed:
            chosen = listed
        elif chosen and not refusal and (twin := self._twin(chosen, question, years)):
            chosen = [*chosen, twin]
        claims, chart = [], None
        translations = searcher.translations
        for c in chosen:
            said = _strip_english_prefix(translations.sentence(c.passage.id, c.position))
            if listed and c.passage.id != listed_best and c.passage.kind != "paragraph":
                # the other rows: named, in plan order
                title = c.passage.place.title
                named = self.glossary.title(title)
                claims.append(Claim(f"{title}。", c.passage.place, english=named and f"{named}."))
            elif c.passage.kind == "row":
                text, row_chart = self._table_sentence(c.passage, question)
                chart = chart or row_chart
                claims.append(Claim(text, c.passage.place, english=said))
            else:
                claims.append(Claim(_strip_item_prefix(c.sentence), c.passage.place, english=said))
        quotes: dict[int, list[str]] = {}
        for c in chosen:
            quotes.setdefault(c.passage.id, []).append(c.sentence)
        sources = [Source(h.passage.place, h.passage.text, h.score, tuple(quotes.get(h.passage.id, ())))
                   for h in hits[:HITS_FOR_SOURCES]]
        shown = {h.passage.id for h in hits[:HITS_FOR_SOURCES]}
        further = {c.passage.id: c.passage for c in chosen if c.passage.id not in shown}
        sources += [Source(p.place, p.text, 0.0, tuple(quotes[p.id])) for p in further.values()]
        sources.sort(key=lambda s: not s.quotes)
        if refusal in ("personal", "no_figure"):  # no advice or figure; the policy, as context
            return _Part(claims[:1], sources[:1], places, None, refusal)
        return _Part(claims, sources, places, chart)

    def _context(self, candidates: list[_Candidate], fitting: list[_Candidate],
                 weights: dict[str, float]) -> _Candidate | None:
        """What the plan says on the subject of a figure it does not give: of the sentences that
        hold the rarest topic term any found sentence holds (旅游, not 目标 or 十四五), the one
        that holds most of the question's terms; none when no fitting sentence holds it."""
        topic = {t: w for t, w in weights.items() if t not in self.no_topic}
        held = {t for c in candidates for t in c.terms if t in topic}
        if not held:
            return None
        rarest = max(held, key=lambda t: topic[t])
        pool = [c for c in fitting if rarest in c.terms]
        return max(pool, key=lambda c: term_coverage(topic, c.terms)) if pool else None

    def _figure_missing(self, chosen: list[_Candidate], asked: str, years: frozenset[str],
                        number_question: bool, focus: frozenset[str],
                        hits: Sequence[Hit] = ()) -> str | None:
        """A figure is asked for and the best sentences do not give it: a year's figure they date
        to other years only; an amount (`asked`: a follow-up's own words) they hold no figure for;
        a follow-up's amount of something it names in its own words (职工, 总投资) none of them
        names — then the best sentence is still the context (_MISSING). Or what is counted is
        named in none of the sentences found (_UNNAMED): none of them is about it."""
        if years and number_question and self._other_years_only(chosen, years):
            return _MISSING
        if number_question and not self._indicator_named(chosen, asked, years):
            return _MISSING
        if not _AMOUNT_QUESTION.search(normalize(asked)):
            return None
        if not any(_has_figure(c) for c in chosen):
            return _MISSING
        if self._counted_not_named(chosen, asked, hits):
            return _UNNAMED
        if not self._figure_named(chosen, asked, years):
            return _MISSING
        no_topic = self.no_topic
        typed = normalize(asked).replace(" ", "")  # words the asker typed, not English mapped ones
        own_terms = {t for t in focus if len(t) > 1 and t in self.searcher.vocabulary
                     and t not in no_topic and t in typed}
        return None if _holds_any(chosen, own_terms) else _MISSING

    def _indicator_named(self, chosen: list[_Candidate], asked: str, years: frozenset[str]) -> bool:
        """Some quoted sentence with a figure names every word of an English figure question that
        names one of the plan's indicators (`_indicator_words`), and for a year asked is not
        dated to other years: the general public budget revenue is not answered by the tourism
        revenue or the R&D share, nor the 2025 retail sales by those of 2020."""
        if detect_script(asked) != "english":
            return True
        words = self._indicator_words(asked)
        return not words or any(self._names_indicator(c, words)
                                and not (years and self._of_other_years(c, years)) for c in chosen)

    def _names_indicator(self, c: _Candidate, words: list[str]) -> bool:
        """The sentence gives a figure and names every word (its English, its Chinese words'
        senses, or the English titles over it: a row of 附件3 under "major projects")."""
        if not _has_figure(c):
            return False
        _, english, tokens = self._reading(c.passage.id, c.position)
        return self._names_all_english(words, english | self._title_words[c.passage.id], tokens)

    def _names_all_english(self, words: list[str], english: Collection[str],
                           chinese_words: Collection[str]) -> bool:
        """A text (its English words and its Chinese words) names every English word."""
        dictionary = self.searcher.general_dictionary
        parts = self.searcher.index.tokenizer.parts
        return all(english_names(w, english, chinese_words, dictionary, parts) for w in words)

    @cached_property
    def _title_words(self) -> list[frozenset[str]]:
        """Passage id → the English words of the titles over it (its row, then its headings)."""
        return [frozenset(english_words(" ".join(self.glossary.passage_titles(p)))) for p in self.passages]

    def _indicator_words(self, text: str) -> list[str]:
        """The English words of a question that name one of the plan's indicators and are rare in
        the plan's English: hospital *beds* per 1,000 residents, the *tertiary* sector's share.
        A word the plan uses often (major, public, residents: the plan's invention patents are
        per 10,000 people) tells no indicator from another."""
        frequency = self._indicator_frequency
        return [w for w in dict.fromkeys(english_words(text))
                if frequency.get(w, RARE_INDICATOR_WORD + 1) <= RARE_INDICATOR_WORD]

    @cached_property
    def _indicator_frequency(self) -> dict[str, int]:
        """Each word of `_indicator_vocabulary` → the number of the plan's sentences whose English
        holds it."""
        vocabulary = self._indicator_vocabulary
        counts = dict.fromkeys(vocabulary, 0)
        for sentences in self.searcher.english_keys.sentence_words:
            for words in sentences:
                for w in words & vocabulary:
                    counts[w] += 1
        return counts

    def _counted_not_named(self, chosen: list[_Candidate], asked: str, hits: Sequence[Hit]) -> bool:
        """"How many seats / hospital beds …?", "要建多少个泳池?": what the question counts is
        named in none of the quoted sentences, nor in any sentence of the best passages (`hits`:
        the sentence chosen may be the wrong one). A neighbouring figure — the stadium's floor
        area, the physicians per 1,000 residents — is not the one asked. English questions are
        judged by the sentences' English; Chinese ones by their words, or by the English senses
        a general dictionary gives a word the plan does not use (员工 "staff", 病床 "hospital
        bed"). An English count of several words is named by a sentence naming most of them:
        metro stations are not the 5G base stations, smart lamp posts are the smart lamp poles.
        Unknown where the quoted sentences lack English."""
        searcher = self.searcher
        keys = searcher.english_keys
        if any(c.position >= len(keys.sentence_words[c.passage.id]) for c in chosen):
            return False
        dictionary = searcher.general_dictionary
        tokenizer = searcher.index.tokenizer
        places = [(c.passage.id, c.position) for c in chosen]
        places += [(h.passage.id, pos) for h in hits for pos in range(len(h.passage.sentences))]
        sentences = [self._reading(pid, pos) for pid, pos in places]
        if detect_script(asked) == "english":
            # a word the plan's English never uses (storeys) may be a synonym of one it does; one
            # it uses may name a sentence's Chinese word in the dictionary (doctors: 醫師)
            counted = {w for w in counted_words(asked) if keys.knows(w)}
            return bool(counted) and not any(
                2 * sum(english_names(w, said, tokens, dictionary, tokenizer.parts) for w in counted)
                > len(counted) for _, said, tokens in sentences)
        words = chinese_counted(normalize(spell_out(asked, searcher.abbreviations)),
                                _AMOUNT_QUESTION.search, tokenizer.tagger, searcher.vocabulary, dictionary)
        return not names_all(words, sentences, dictionary, tokenizer.parts)

    def _figure_named(self, chosen: list[_Candidate], asked: str, years: frozenset[str]) -> bool:
        """Some quoted sentence with a figure names all that a Chinese question asks the figure
        of, and for a year asked (`years`) is not dated to other years (by its own years or its
        section's period): 2025年最低工资 is not the share of modern services, and 2025年人均GDP
        neither the 2025 GDP goal nor 附件1's 人均GDP row (2015, 2020). Judged by the question's
        words that the plan uses: a word it never uses may be a resident's synonym of one it does.
        (English questions are not judged so: their words and the plan's English differ too
        often, lamp posts for lamp poles.)"""
        if detect_script(asked) == "english":
            return True
        dictionary = self.searcher.general_dictionary
        tokenizer = self.searcher.index.tokenizer
        words = [w for w in figure_words(normalize(asked), _AMOUNT_QUESTION.search, tokenizer.tagger,
                                         dictionary, self.no_topic)
                 if w in self.plan_text]
        for c in chosen if words else ():
            if not _has_figure(c) or (years and self._of_other_years(c, years)):
                continue
            text, english, tokens = self._reading(c.passage.id, c.position)
            title = normalize(c.passage.place.title).replace(" ", "")  # a 專欄 row's names its subject
            if row_answers(words, (title + text, english, tokens), dictionary, tokenizer.parts):
                return True
        return not words

    def _other_years_only(self, chosen: list[_Candidate], years: frozenset[str]) -> bool:
        """Every quoted sentence with a figure dates it to other years than the one asked (2030
        asked, 到2025年… quoted; 2025 asked, a result under “十三五”時期發展成就 quoted): the plan
        does not give it for that year. A range (2021—2025年) covers the years inside it."""
        figures = [c for c in chosen if _has_figure(c)]
        return bool(figures) and all(self._of_other_years(c, years) for c in figures)

    def _of_other_years(self, c: _Candidate, years: frozenset[str]) -> bool:
        """The sentence dates its figure to other years than those asked: by its own years, or,
        undated, by the period its place's or section's title names (“十三五”時期發展成就). An
        appendix row holds several years' columns: it is of other years when its table reports
        none of those asked (附件3's “十四五”計劃投資額 reports 2021–2025)."""
        if c.passage.place.appendix is not None:
            return self._year_not_reported(c, years)
        dated = _years_covered(c.sentence) or self._period(c.passage)
        return bool(dated and not years & dated)

    def _period(self, passage: Passage) -> set[str]:
        """The years of the plan's period that a passage's title or its section's names."""
        place = passage.place
        section = self.outline.find(place.section_place())
        return self.scope.period_years(place.title + (section.place.title if section else ""))

    def _reading(self, passage_id: int, position: int) -> Sentence:
        """One sentence as `names_all` reads it: its Chinese (normalised, without spaces), its
        English words and its Chinese words."""
        searcher = self.searcher
        english = searcher.english_keys.sentence_words[passage_id]
        start = int(self.sentence_start[passage_id])
        return (normalize(searcher.sentence_texts[start + position]).replace(" ", ""),
                english[position] if position < len(english) else frozenset(),
                searcher.sentence_tokens[start + position])

    def _fitting_rows(self, candidates: list[_Candidate], question: str,
                      own: str | None) -> list[_Candidate]:
        """The candidates without the indicator rows that measure something other than what a
        Chinese figure question asks: 人均GDP is not the GDP row, 户籍人口 not 常住人口城镇化率,
        一般公共预算收入 not 旅游总收入. A follow-up (`own`: its own words) asks of what it names
        (那学位呢), else of the previous topic. An English question is judged by its words that
        name an indicator (`_indicator_words`), as the rows' English names them."""
        rows = self._indicator_rows
        if not any(c.passage.id in rows for c in candidates):
            return candidates
        asked = question if own is None else own
        candidates = self._of_measure_asked(candidates, asked)
        if detect_script(question) == "english":
            return self._fitting_english_rows(candidates, asked)
        tagger = self.searcher.index.tokenizer.tagger
        dictionary = self.searcher.general_dictionary
        words = []
        if own is not None:
            text = normalize(own)
            words = (figure_words(text, _NUMBER_QUESTION.search, tagger, dictionary, self.no_topic)
                     or named_words(text, tagger, dictionary, self.no_topic))
        words = words or figure_words(normalize(question), _NUMBER_QUESTION.search, tagger,
                                      dictionary, self.no_topic)

        asks_ratio = bool(_RATIO_ASKED.search(normalize(question)))

        def fits(c: _Candidate) -> bool:
            if c.passage.id not in rows:
                return True
            name, table_words = rows[c.passage.id]
            if _RATIO_ROW.search(name[0]) and not asks_ratio:  # 常住人口 is not 常住人口城镇化率
                return False
            return row_answers((w for w in words if w not in table_words), name, dictionary)

        return [c for c in candidates if fits(c)]

    def _of_measure_asked(self, candidates: list[_Candidate], asked: str) -> list[_Candidate]:
        """Without the indicator rows whose unit measures another kind of amount than asked: a
        count of visits (旅游接待人次, how many tourists) is not answered by 旅游总收入 (億元), nor
        money (多少钱, salary) by a row in 歲 or 萬人. A share asked (占比) may be of either."""
        text = normalize(asked)
        if _RATIO_ASKED.search(text):
            return candidates
        count, money = bool(_COUNT_ASKED.search(text)), bool(_MONEY_ASKED.search(text))
        if count == money:
            return candidates

        def other_kind(c: _Candidate) -> bool:  # a money row for a count, another for money
            unit = self._row_units.get(c.passage.id, "")
            return bool(unit) and (_MONEY_UNIT in unit) == count

        return [c for c in candidates if not other_kind(c)]

    @cached_property
    def _row_units(self) -> dict[int, str]:
        """Passage id → the unit of each indicator row (its 單位 cell, or its name's brackets)."""
        units = {}
        for pid in self._indicator_rows:
            passage = self.passages[pid]
            if found := self._row(passage):
                units[pid] = normalize(_row_unit(found[0].header, found[1].cells, passage.place))
        return units

    def _fitting_english_rows(self, candidates: list[_Candidate], asked: str) -> list[_Candidate]:
        """`_fitting_rows` for an English question, by what it names of an indicator
        (`_indicator_words`): the rows of others go, and where the best sentence does not name it,
        the row that does comes first (the progression rate of junior high graduates, not 專欄2's
        employment service for graduates)."""
        words = self._indicator_words(asked)
        rows = self._indicator_rows
        fitting = [c for c in candidates if c.passage.id not in rows
                   or self._names_all_english(words, *rows[c.passage.id][0][1:])]
        if not words or not fitting or self._names_indicator(fitting[0], words):
            return fitting
        named = [c for c in fitting if c.passage.id in rows and self._names_indicator(c, words)]
        return named + [c for c in fitting if c not in named]

    @cached_property
    def _indicator_rows(self) -> dict[int, tuple[Sentence, str]]:
        """Passage id → the name of each row of a table of the plan's indicators (one with an
        attribute column), and its table's title: every row of 经济社会发展主要指标表 is an
        economic indicator, so the words of the title tell none of them from another. Read at
        the first figure question (the tagger and the dictionary are ready by then)."""
        tagger = self.searcher.index.tokenizer.tagger
        dictionary = self.searcher.general_dictionary
        rows = {}
        for p in self.passages:
            table = self._table(p) if p.kind == "row" else None
            if table is None or not any(_ATTRIBUTE in h for h in table.header):
                continue
            english = frozenset(english_words(self.glossary.title(p.place.title) or ""))
            name = indicator_name(normalize(p.place.title), english, tagger, dictionary, self.no_topic)
            rows[p.id] = (name, normalize(self.outline.find(p.place).place.title))
        return rows

    @cached_property
    def _indicator_vocabulary(self) -> frozenset[str]:
        """The English words that name one of the plan's indicators (`indicator_vocabulary`)."""
        return indicator_vocabulary(self.glossary.title(self.passages[pid].place.title)
                                    for pid in self._indicator_rows)

    def _continue_lead_ins(self, chosen: list[_Candidate]) -> list[_Candidate]:
        """A sentence that ends in a colon (…主要表現為:) says nothing alone: the sentence that
        follows it in the plan (the first item it introduces) is quoted after it."""
        out: list[_Candidate] = []
        seen = {c.sentence for c in chosen}
        for c in chosen:
            out.append(c)
            if c.passage.kind != "paragraph" or not _LEAD_IN.search(c.sentence):
                continue
            following = self._next_sentence(c.passage, c.position)
            if following is not None and following.sentence not in seen:
                out.append(following)
                seen.add(following.sentence)
        return out

    def _next_sentence(self, passage: Passage, position: int) -> _Candidate | None:
        """The sentence after one in reading order, within the same place."""
        if position + 1 < len(passage.sentences):
            return _unscored(passage, position + 1)
        if passage.id + 1 < len(self.passages):
            after = self.passages[passage.id + 1]
            if after.place == passage.place and after.kind == "paragraph" and after.sentences:
                return _unscored(after, 0)
        return None

    @cached_property
    def _bullet_runs(self) -> dict[Place, list[tuple[Passage, str]]]:
        """Each place whose paragraphs list two or more of the plan's bullets → those paragraphs
        with their leads, in reading order."""
        runs: dict[Place, list[tuple[Passage, str]]] = {}
        for passage in self.passages:
            if passage.kind == "paragraph" and (lead := _bullet(passage)):
                runs.setdefault(passage.place, []).append((passage, lead))
        return {place: run for place, run in runs.items() if len(run) > 1}

    def _listed_rows(self, question: str, chosen: list[_Candidate]) -> list[_Candidate]:
        """A list question (哪些, 分别, which) whose best sentence is a row of a 專欄 is answered
        with that 專欄's rows in order — the best one quoted whole, the others by name — so each
        named item is there (and 第二个呢 can follow). One whose best sentence stands in a run of
        the plan's lead bullets (——堅持黨的全面領導。 with its body after) is answered with the
        leads of that run: they are the list asked for."""
        if not chosen or not _LIST_QUESTION.search(normalize(question)):
            return []
        best = chosen[0].passage
        if best.kind == "paragraph":
            run = self._bullet_runs.get(best.place, ())
            if not any(p.id == best.id for p, _ in run):
                return []
            return [_Candidate(p, lead, 0, 1.0, frozenset()) for p, lead in run[:MAX_LISTED_ROWS]]
        if best.kind not in ("row", "item") or best.place.column is None:
            return []
        rows = [p for p in self.passages if p.place.column == best.place.column
                and p.kind in ("row", "item") and p.place.row is not None]
        if len(rows) < 2:
            return []
        return [_Candidate(p, p.text, 0, 1.0, frozenset()) for p in rows[:MAX_LISTED_ROWS]]

    # sentences ---------------------------------------------------------------------------------
    def _candidates(self, hits: list[Hit], weights: dict[str, float], number_question: bool,
                    similarity: np.ndarray | None, years: frozenset[str] = frozenset(),
                    share: float = 1.0, total: bool = False,
                    english: dict[str, float] | None = None) -> list[_Candidate]:
        """Every sentence of the best passages, scored: rarity-weighted question terms it holds
        (any script: both sides are normalised), its cosine to the question (English and
        colloquial questions share few words with it), and its passage's rank. A question that
        names a year prefers sentences about that year: a table row without that year's column
        cannot answer it (a 2035 question is answered from the 2035 vision, not the 2025 table).
        Keywords weigh as much as the question they stand for (`share`: an English question's
        mapped words may be one of eight, and "water" alone must not pick the sentence). A
        question asking a `total` prefers the table's total row to the parts it adds up. An English
        question's own words (`english`, rarity-weighted) count where the sentence's English holds
        them, as much as the Chinese terms they were mapped to would."""
        lexical_weight = LEXICAL_WEIGHT * share
        top = hits[0].score if hits and hits[0].score > 0 else 1.0
        sentence_tokens = self.searcher.sentence_tokens
        low, spread = 0.0, 1.0  # the cosines are stretched over these passages' sentences
        if similarity is not None and hits:
            values = np.concatenate([similarity[self._sentences(h.passage)] for h in hits])
            low = float(values.min())
            spread = float(values.max()) - low or 1.0
        out = []
        for rank, hit in enumerate(hits):
            if hit.passage.kind == "notes" and rank > 0:
                continue
            prior = max(hit.score, 0) / top
            start = int(self.sentence_start[hit.passage.id])
            for pos, sentence in enumerate(hit.passage.sentences):
                terms = sentence_tokens[start + pos] & weights.keys()
                lexical = lexical_weight * term_coverage(weights, terms)
                if english:
                    lexical = max(lexical, LEXICAL_WEIGHT * self.searcher.english_keys.sentence_coverage(
                        english, hit.passage.id, pos))
                semantic = (0.0 if similarity is None
                            else (float(similarity[start + pos]) - low) / spread)
                score = (lexical + (1 - LEXICAL_WEIGHT) * prior
                         + SENTENCE_SIMILARITY_WEIGHT * semantic - RANK_PENALTY * rank)
                if number_question and _DIGIT.search(sentence):
                    score += NUMBER_BONUS
                if len(sentence) < SHORT_SENTENCE_CHARS:
                    score -= SHORT_SENTENCE_PENALTY
                if total and hit.passage.kind == "row" and _TOTAL_ROW.match(
                        normalize(hit.passage.place.title)):
                    score += TOTAL_ROW_BONUS
                if years:
                    named = any(year in sentence for year in years)
                    if named:
                        score += YEAR_BONUS
                    elif hit.passage.kind == "row":
                        score -= ROW_WITHOUT_YEAR_PENALTY
                out.append(_Candidate(hit.passage, sentence, pos, score, terms))
        out.sort(key=lambda c: -c.score)
        return out

    def _sentences(self, passage: Passage) -> slice:
        """Where a passage's sentences stand in the index's sentence arrays."""
        start = int(self.sentence_start[passage.id])
        return slice(start, start + len(passage.sentences))

    # tables ------------------------------------------------------------------------------------
    def _row(self, passage: Passage) -> tuple[Table, Row] | None:
        """A row passage's table and row (sub-rows included)."""
        table = self._table(passage)
        if table is None:
            return None
        row = next((r for r in table.all_rows()
                    if r.place == passage.place and r.place.title == passage.place.title), None)
        return (table, row) if row is not None else None

    @cached_property
    def _figure_rows(self) -> tuple[list[tuple[Passage, tuple[tuple[str, str], ...]]],
                                    list[tuple[Passage, int, str]]]:
        """The appendix indicator rows with their (column, value) cells, and the text's sentences
        (prose and list items) with their positions: what figure twins pair."""
        rows = []
        for passage in self.passages:
            found = self._row(passage) if passage.kind == "row" and passage.place.appendix else None
            if found is not None:
                table, row = found
                rows.append((passage, tuple(zip(table.header, row.cells, strict=True))))
        sentences = [(p, i, sentence) for p in self.passages if p.kind in ("paragraph", "item")
                     for i, sentence in enumerate(p.sentences)]
        return rows, sentences

    def _figure_twins(self) -> list[Twin]:
        return figure_twins(*self._figure_rows, self.searcher.index.tokenizer, self.searcher.term_weights)

    @cached_property
    def _unreported(self) -> dict[int, list[Twin]]:
        """Row passage id → the sentences stating its figure for a year its row leaves without
        one (暫無核定數). Read at the first question that needs them."""
        twins: dict[int, list[Twin]] = {}
        for twin in unreported_twins(*self._figure_rows, self.searcher.index.tokenizer,
                                     self.searcher.term_weights, self._period):
            twins.setdefault(twin.row, []).append(twin)
        return twins

    def _stated_elsewhere(self, blank: _Candidate, years: frozenset[str]) -> _Candidate | None:
        """The text's sentence stating, for a year asked, the figure an indicator row leaves
        without one."""
        for twin in self._unreported.get(blank.passage.id, ()):
            if any(year in YEAR.findall(twin.column) for year in years):
                return _unscored(self.passages[twin.passage], twin.position)
        return None

    def _twin(self, chosen: list[_Candidate], question: str, years: frozenset[str]) -> _Candidate | None:
        """The other statement of a figure a quoted sentence states (its indicator row, or the
        sentence of the text that states the row's figure), unless already quoted; the first
        quoted sentence that has one. From a row, the sentence must state the column asked for
        (the year, 目标, 增速) when the question names one the table has."""
        quoted = {(c.passage.id, c.position) for c in chosen}
        wanted = _asked_columns(question) | set(years)
        for c in chosen:
            twins = self.twins.get((c.passage.id, c.position), [])
            if c.passage.kind == "row":
                table = self._table(c.passage)
                asked_columns = {h for h in (table.header if table else ()) if any(w in h for w in wanted)}
                twins = sorted((t for t in twins if not asked_columns or t.column in asked_columns),
                               key=lambda t: "目標" not in t.column)  # unasked: the plan's target
            for t in twins:
                other = (t.passage, t.position) if t.row == c.passage.id else (t.row, 0)
                if other not in quoted:
                    return _unscored(self.passages[other[0]], other[1])
        return None

    def _table(self, passage: Passage) -> Table | None:
        """The table a row passage belongs to (its 專欄 or appendix)."""
        return getattr(self.outline.find(passage.place), "table", None)

    def _year_not_reported(self, best: _Candidate, years: frozenset[str]) -> bool:
        """A figure asked for a year, best answered by an indicator row whose table reports other
        years only (外贸出口总值: 2015 and 2020 in 附件1, not in 附件2): the plan does not give it
        for that year, and quoting the other years would answer another question. A column may
        name the plan's period instead of a year (“十四五”計劃投資額)."""
        if best.passage.kind != "row" or any(year in best.sentence for year in years):
            return False
        reported = self._reported_years.get(best.passage.place.appendix, frozenset())
        return bool(reported) and not any(year in reported for year in years)

    @cached_property
    def _reported_years(self) -> dict[int, frozenset[str]]:
        """Appendix number → the years its table's columns report, by year or by the plan's
        period (a 專欄's columns report none)."""
        return {a.place.appendix: frozenset(y for h in a.table.header
                                            for y in (*YEAR.findall(h), *self.scope.period_years(h)))
                for a in self.outline.appendices if a.table is not None}

    def _year_blank(self, c: _Candidate, years: frozenset[str]) -> bool:
        """The candidate is an indicator row whose cells for the years asked hold no figure
        (人均地区生产总值 2020: 暫無核定數; 城镇登记失业率 2020: /)."""
        found = self._row(c.passage) if c.passage.kind == "row" else None
        if found is None:
            return False
        table, row = found
        cells = [v for h, v in zip(table.header, row.cells, strict=True)
                 if any(year in YEAR.findall(h) for year in years)]
        return bool(cells) and all(v.strip() in NO_FIGURE_CELLS for v in cells)

    def _table_sentence(self, passage: Passage, question: str) -> tuple[str, Chart | None]:
        """`5G基站數量(萬座):2025年規劃目標 1.6;2020年完成(預計) 0.7。` from the row, the asked
        column first."""
        found = self._row(passage)
        if found is None:
            return passage.text, None
        table, row = found
        wanted = _asked_columns(question)
        pairs = [(h, v) for h, v in zip(table.header, row.cells, strict=True)
                 if v and h not in NAMING_COLUMNS and h != "類別"]
        first = [(h, v) for h, v in pairs if any(w in h for w in wanted)]
        body = ";".join(f"{h} {v}" for h, v in first + [p for p in pairs if p not in first])
        return f"{passage.place.title}:{body.rstrip('。')}。", _chart(table.header, row.cells,
                                                                      passage.place)

    # named places ------------------------------------------------------------------------------
    def _only_reference(self, question: str) -> bool:
        """'第八章第三节讲什么?': the question names a place and asks for nothing narrower."""
        rest = self.searcher.index.tokenizer(_REFERENCE_WORDS.sub(" ", normalize(question)))
        return all(t in _GENERIC or len(t) == 1 or t.isdigit() for t in rest)

    def _overview(self, ref: Reference) -> _Part | None:
        """What a named place is: its label, what it contains, its opening sentences."""
        passages = [p for p in self.passages if ref.matches(p.place)]
        if not passages:
            return None
        first = passages[0]
        if ref.row is not None:
            text = self._table_sentence(first, "")[0] if first.kind == "row" else first.text
            return _Part([Claim(_strip_item_prefix(text), first.place)],
                         [Source(first.place, first.text, 1.0, (first.text,))], [first.place])
        p = first.place
        group = (Place(appendix=p.appendix) if p.appendix is not None
                 else Place(chapter=p.chapter, section=ref.section if ref.column is None else p.section,
                            column=ref.column))
        node = self.outline.find(group)
        if node is None:
            return None
        contents, opening = "", ""
        if hasattr(node, "table"):
            names = [r.place.title for r in node.table.rows]
            shown = "、".join(names[:20]) + ("等" if len(names) > 20 else "")
            contents = f"共{len(names)}項:{shown}。"
        else:
            if getattr(node, "subsections", None):
                contents = "包括:" + ";".join(f"{cn_numeral(s.number)}、{s.title}"
                                               for s in node.subsections) + "。"
            elif hasattr(node, "sections"):
                contents = "包括:" + ";".join(f"第{cn_numeral(s.number)}節 {s.title}"
                                               for s in node.sections) + "。"
            if first.kind == "paragraph":
                opening = "".join(split_sentences(first.text)[:2])
        sources = [Source(q.place, q.text, 1.0, (opening,) if q is first and opening else ())
                   for q in passages[:HITS_FOR_SOURCES]]
        return _Part([Claim(f"{node.place.label()}。{contents}{opening}", node.place)], sources,
                     [node.place])

    def _suggestions(self, parts: list[_Part]) -> list[Place]:
        return list(dict.fromkeys(p for part in parts for p in part.located))[:MAX_SUGGESTIONS]


def _asked_columns(question: str) -> set[str]:
    """The table columns a question asks for (目标 → 規劃目標), by _TABLE_HINTS."""
    asked = normalize(question)
    return {name for hint, names in _TABLE_HINTS.items() if hint in asked for name in names}


def _choose(candidates: list[_Candidate]) -> list[_Candidate]:
    """The best sentence, plus up to two that add question terms or continue it; never one twice."""
    if not candidates:
        return []
    best = candidates[0]
    chosen = [best]
    covered = set(best.terms)
    seen = {best.sentence}
    length = len(best.sentence)
    bar = EXTRA_ROW_BAR if best.passage.kind == "row" else EXTRA_SENTENCE_BAR
    for c in candidates[1:]:
        if len(chosen) >= MAX_SENTENCES or length + len(c.sentence) > MAX_ANSWER_CHARS:
            continue
        if c.sentence in seen:
            continue
        adds_terms = bool(c.terms - covered) and c.score >= bar * best.score
        continues = (c.passage.id == best.passage.id and abs(c.position - best.position) == 1
                     and c.score >= CONTINUATION_BAR * best.score and best.passage.kind == "paragraph")
        if adds_terms or continues:
            chosen.append(c)
            covered |= c.terms
            seen.add(c.sentence)
            length += len(c.sentence)
    # the best sentence's passage first, in reading order; then the others as ranked
    return sorted(chosen, key=lambda c: (c.passage.id != best.passage.id, c.position))


def _holds_any(chosen: list[_Candidate], terms: Collection[str]) -> bool:
    """Some quoted sentence holds one of the terms (a follow-up's own: 总投资, 员工), or there are
    none to hold: an amount asked of the previous topic must be about what the follow-up asks."""
    return not terms or any(t in text for text in (normalize(c.sentence) for c in chosen)
                            for t in terms)


def _years_covered(sentence: str) -> set[str]:
    covered = set(YEAR.findall(sentence))
    for start, end in YEAR_SPAN.findall(sentence):
        covered.update(str(y) for y in range(int(start), int(end) + 1))
    return covered


def _chart(header: tuple[str, ...], cells: tuple[str, ...], place: Place) -> Chart | None:
    """An indicator row's numeric values, when it has at least two (appendix tables only)."""
    if place.appendix is None:
        return None
    points = []
    for name, value in zip(header, cells, strict=True):
        m = re.fullmatch(r"[\[(]?[≥≤]?(-?\d+(?:\.\d+)?)(?:左右)?[\])]?\*?", value)
        if m and name != "序號" and not name.startswith("2016"):
            points.append((name, float(m.group(1))))
    if len(points) < 2:
        return None
    return Chart(place.title, _row_unit(header, cells, place), tuple(points))


def _row_unit(header: Sequence[str], cells: Sequence[str], place: Place) -> str:
    """An indicator row's unit: its 單位 cell, else the brackets that end its name (億元)."""
    if "單位" in header:
        return cells[header.index("單位")]
    m = re.search(r"\(([^()]*)\)$", place.title)
    return m.group(1) if m else ""


def _unscored(passage: Passage, position: int) -> _Candidate:
    """A sentence quoted for its place beside another (the next one, a twin), not for a score."""
    return _Candidate(passage, passage.sentences[position], position, 0.0, frozenset())


def _has_figure(c: _Candidate) -> bool:
    """The sentence gives a figure — not the numbers of its 專欄's and item's label."""
    return bool(_FIGURE.search(normalize(_strip_item_prefix(c.sentence))))


def _bullet(passage: Passage) -> str | None:
    """The lead of a paragraph led by one of the plan's bullets (——堅持新發展理念。), the
    first one of a run after its lead-in (…以下7個方面的目標:——經濟發展質量更高。)."""
    m = _BULLET.search(passage.sentences[0]) if passage.sentences else None
    return m.group(1) if m else None


def _strip_item_prefix(sentence: str) -> str:
    """List items are stored as `專欄N title 第k項 name:text`; the answer quotes `name:text`."""
    m = _ITEM_PREFIX.match(sentence)
    return m.group(1) if m else sentence


def _strip_english_prefix(english: str) -> str:
    """A row's or item's English without its table's name (`Box 4: …, item 2, `), as quoted."""
    return _ENGLISH_ITEM_PREFIX.sub("", english, count=1)


def _unique(claims) -> list[Claim]:
    """Claims in order, a sentence said once (two parts may pick the same one)."""
    seen: set[str] = set()
    out = []
    for claim in claims:
        key = normalize(claim.text)
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out
