"""jieba tokens for BM25, on normalised (Simplified) text, with the plan's own terms as words.

jieba's dictionary is Simplified, so text is normalised before cutting. Place and project names
from the outline, and the plan's quoted slogans (“华南智核”, “一核一带一区”), are added as words so
that they stay whole; `cut_for_search` also emits their parts, so a question that says 大学城 still
meets 广州大学城. Question words are stop words: otherwise 什么/哪些/多少 dominate the scores.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from bm25s.stopwords import STOPWORDS_EN

from .normalize import normalize

__all__ = ["ENGLISH_TERMS", "STOP_WORDS", "Tokenizer", "defined_abbreviations", "domain_terms",
           "english_to_terms", "english_words", "long_forms", "mapped_share", "plain_english_words",
           "spell_out"]

# Question words, particles, pronouns and Cantonese function words, as in the common Chinese stop
# word lists (以后, 之后, 一直 … included); no topic word is a stop word.
STOP_WORDS = frozenset(
    """
    什么 哪些 哪个 哪里 哪儿 哪 如何 怎么 怎样 怎么样 多少 几 几个 是否 吗 呢 吧 啊
    呀 嘛 么 了 的 地 得 是 有 在 和 与 及 或 也 都 就 还 又 要 会 能 可以 将
    把 被 给 对 从 为 为了 以 于 之 而 并 等 中 上 下 里 这 那 这个 那个 这些
    那些 其 该 我 你 他 她 它 我们 你们 他们 咱们 请问 请 告诉 一下 知道 想 想知道
    问 问题 内容 部分 方面 关于 文件 提到 提出 写 说 讲 讲到 里面 到底
    具体 主要 一些 有没有 没有 有无 能否 可否 是不是 不是 会不会 要不要 能不能 吗 呢
    唔 系 嘅 咩 乜 乜嘢 点 点样 边 边个 边度 几多 冇 啲 佢 喺 咗 嚟 啦 喇 咁 哦
    嗯 么样 what which how where when who is are the a
    an of in on to for and or does do did plan
    section chapter 政府 不会 不能 不管 不到 以后 之后 平时 到底 老是 一直 有点 这种 总 更 搞
    """.split()
)

# Terms that jieba would cut apart but residents type whole.
_FIXED_TERMS = (
    "广州大学城", "大学城", "万博长隆", "万博", "长隆", "南大干线", "粤港澳大湾区", "大湾区", "广州南站",
    "番禺大道", "莲花湾", "亚运城", "海鸥岛", "海鸥公路", "市桥", "祈福", "沙湾", "石碁", "化龙",
    "垃圾分类", "城市更新", "旧村改造", "村级工业园", "数字经济", "人工智能", "智能制造", "新能源汽车",
    "直播电商", "夜间经济", "首店经济", "总部经济", "营商环境", "数字政府", "乡村振兴", "美丽乡村",
    "河长制", "林长制", "湖长制", "双城联动", "一核一带一区", "两新一重", "华南智核", "百企帮百村",
    "公办学位", "养老服务", "医养结合", "5g", "5g基站", "退役军人", "加装电梯", "老旧小区",
)
_QUOTED = re.compile(r'"([^"\s]{2,12})"')
# English questions get the plan's Chinese words for their topic, so that BM25 and the coverage
# test see them (the dense model is multilingual, but keywords are not).
ENGLISH_TERMS = {
    "garbage": "垃圾分类", "waste": "垃圾 固体废物", "sorting": "分类", "recycling": "回收利用",
    "metro": "地铁", "subway": "地铁", "railway": "铁路 轨道交通", "rail": "轨道交通", "road": "道路",
    "bridge": "大桥", "highway": "高速", "transport": "交通", "traffic": "交通", "station": "站",
    "school": "学校", "education": "教育", "kindergarten": "幼儿园", "university": "大学城 高校",
    "student": "学生", "hospital": "医院", "health": "健康 卫生", "medical": "医疗",
    "elderly": "养老 老年人", "aged": "养老", "pension": "养老保险", "employment": "就业",
    "job": "就业", "income": "收入", "housing": "住房", "rent": "租赁住房", "gdp": "地区生产总值 gdp",
    "economy": "经济", "economic": "经济", "industry": "产业", "industrial": "产业 工业",
    "manufacturing": "制造业", "innovation": "创新", "technology": "科技", "enterprise": "企业",
    "company": "企业", "startup": "创业", "startups": "创业 孵化器", "talent": "人才",
    "youth": "青年", "culture": "文化", "cultural": "文化", "tourism": "旅游", "sports": "体育",
    "library": "图书馆", "museum": "博物馆", "park": "公园 园区", "environment": "生态环境",
    "air": "空气质量", "water": "水", "pollution": "污染", "green": "绿色", "carbon": "碳排放 低碳",
    "energy": "能源", "electricity": "电力 供电", "5g": "5g基站", "digital": "数字", "data": "数据",
    "ai": "人工智能", "artificial": "人工智能", "intelligence": "人工智能", "vehicle": "汽车",
    "car": "汽车", "automobile": "汽车", "rural": "乡村 农村", "village": "村",
    "agriculture": "农业", "farming": "农业", "food": "粮食 食品", "grain": "粮食",
    "safety": "安全", "security": "安全", "police": "治安", "law": "法治", "legal": "法治",
    "government": "政府", "business": "营商环境", "investment": "投资", "trade": "贸易",
    "export": "出口", "consumption": "消费", "shopping": "商圈 消费", "night": "夜间经济",
    "livestreaming": "直播电商", "live-streaming": "直播电商", "finance": "金融",
    "financial": "金融", "hong": "港澳", "macao": "港澳", "macau": "港澳", "bay": "大湾区",
    "shenzhen": "深圳", "foshan": "佛山", "renewal": "城市更新", "redevelopment": "城市更新 旧村改造",
    "town": "镇", "towns": "镇街", "target": "目标", "indicator": "指标", "population": "人口",
    "forest": "森林覆盖率", "flood": "防洪", "emergency": "应急", "fire": "消防", "vision": "远景目标",
    "2035": "2035年", "2025": "2025年", "party": "党的领导", "oversight": "监督",
    "supervision": "监督", "supervise": "监督", "audit": "审计", "loan": "贷款 融资",
    "bank": "银行 金融", "credit": "信用 信贷", "shop": "小微企业 商户", "small": "小微",
    "chimelong": "长隆", "lotus": "莲花山",
    "floor": "建筑面积", "area": "面积", "hectares": "面积", "childcare": "托育 婴幼儿",
    "nursery": "托育", "doctor": "医生 医疗", "doctors": "医师 医疗", "clinic": "社区卫生服务",
    "flooding": "内涝 排水", "rainstorm": "暴雨 内涝", "drainage": "排水", "sewage": "污水",
    "toilet": "厕所", "rental": "租赁住房", "affordable": "保障性住房", "migrant": "来穗人员 外来人口",
    "volunteer": "志愿服务", "fraud": "诈骗", "scam": "诈骗", "crime": "治安 犯罪",
    "drugs": "药品 毒品", "medicine": "药品 医药", "disabled": "残疾人", "women": "妇女",
    "children": "儿童", "child": "儿童", "veterans": "退役军人", "jewelry": "珠宝",
    "jewellery": "珠宝", "hub": "枢纽", "airport": "机场", "port": "港口", "logistics": "物流",
    "exhibition": "会展", "headquarters": "总部经济", "civilization": "文明",
    "heritage": "文化遗产 非物质文化遗产", "history": "历史文化", "red": "红色文化",
    # the compass: the plan divides the district into 东部/西部/南部/北部/中部 areas
    "east": "东部", "eastern": "东部", "west": "西部", "western": "西部", "north": "北部",
    "northern": "北部", "south": "南部", "southern": "南部", "central": "中部",
}
_TERM = re.compile(r"^[\w\u3400-\u9fff+]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_KEEP = re.compile(r"[\w\u3400-\u9fff]")


def english_to_terms(text: str) -> str:
    """The plan's Chinese words for the topics an English question names, plus its figures and
    codes (2025, 5g, pm2.5); "" when it names none, so an off-topic question has no tokens."""
    words = _english_tokens(text)
    mapped = [ENGLISH_TERMS[w] for w in words if w in ENGLISH_TERMS]
    codes = [w.strip(".") for w in words if w not in ENGLISH_TERMS and re.search(r"\d", w)]
    return " ".join(mapped + codes)


def mapped_share(text: str) -> float:
    """How much of a question its search tokens stand for: 1 for a Chinese question (its tokens
    are its words); for an English one, the share of its content words that `english_to_terms`
    maps ("smart lamp posts by 2025": only the year), so that keyword evidence in it counts for
    that much and no more."""
    if _CJK.search(normalize(text)):
        return 1.0
    words = english_words(text)
    if not words:
        return 0.0
    mapped = [w for w in _english_tokens(normalize(text)) if w in ENGLISH_TERMS or re.search(r"\d", w)]
    return min(1.0, len(mapped) / len(words))


def _english_tokens(text: str) -> list[str]:
    """An English text's words and codes (5g, pm2.5), lower-cased, in the word map's singular."""
    return [_singular(w) for w in re.findall(r"[a-z0-9][a-z0-9.-]*", text.lower())]


# English function words: bm25s's English stop words (a general list) and question words.
_ENGLISH_STOP_WORDS = frozenset(STOPWORDS_EN) | frozenset(
    """what which how where when who whom whose why does do did is are was were be been has have had
    i me my we our you your he she its them any some about from than there here would could should
    can may might must shall will going plan plans panyu's section sections chapter chapters part
    parts column item appendix cover covers covered deal deals say says mention mentions discuss
    discusses talk talks""".split())
_ENGLISH_SUFFIXES = (("ies", "y"), ("ing", ""), ("es", ""), ("ed", ""), ("s", ""))


def english_words(text: str) -> list[str]:
    """An English text's content words, lower-cased and crudely stemmed (services → servic,
    planned → plann): the same cut for questions and the English keys they are matched with."""
    return plain_english_words(normalize(text))


def plain_english_words(text: str) -> list[str]:
    """`english_words` of a text already plain ASCII (a dictionary's glosses): no normalising."""
    words = re.findall(r"[a-z0-9][a-z0-9.]*[a-z0-9]|[a-z0-9]", text.lower())
    return [_stem(w) for w in words if w not in _ENGLISH_STOP_WORDS]


def _stem(word: str) -> str:
    for suffix, replacement in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word[0].isdigit():
            return word[: -len(suffix)] + replacement
    return word


def _singular(word: str) -> str:
    """schools → school, companies → company: the glossary lists singular forms."""
    for plural, singular in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(plural) and (stem := word[: -len(plural)] + singular) in ENGLISH_TERMS:
            return stem
    return word


def domain_terms(names: Iterable[str], texts: Iterable[str]) -> set[str]:
    """Names from the outline (towns, parks, projects) and quoted slogans of the text, normalised."""
    terms = {normalize(t) for t in _FIXED_TERMS}
    for name in names:
        name = normalize(re.sub(r"[((].*?[))]", "", name))
        if 2 <= len(name) <= 14 and not re.search(r"[,;:。]", name):
            terms.add(name)
    for text in texts:
        terms.update(m.group(1) for m in _QUOTED.finditer(normalize(text))
                     if _TERM.match(m.group(1)))
    return terms


# 地區生產總值(GDP): a Latin abbreviation the text defines by the Chinese run before it.
_DEFINITION = re.compile(r"([\u3400-\u9fff]{2,16})[((]([a-z][a-z0-9&]{1,7})[))]")


def defined_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """The abbreviations a plan defines in its own text → their Chinese long form, normalised.

    Residents type "GDP" where the plan's tables say 地區生產總值: the plan itself says they are
    one. The long form is the longest end of the Chinese run before the brackets that the plan
    also uses elsewhere on its own (全區地區生產總值 → 地区生产总值), else the whole run."""
    text = normalize("\n".join(texts))
    out: dict[str, str] = {}
    for m in _DEFINITION.finditer(text):
        run, abbreviation = m.group(1), m.group(2)
        ends = [run[i:] for i in range(1, len(run) - 1) if text.count(run[i:]) > text.count(run)]
        out.setdefault(abbreviation, ends[0] if ends else run)
    return out


def long_forms(question: str, abbreviations: dict[str, str]) -> list[str]:
    """The long forms of the defined abbreviations a question uses (R&D → 研究与试验发展经费),
    in any script: the plan's own gloss, the one bridge from an English abbreviation to its text."""
    text = normalize(question)
    return [long for short, long in abbreviations.items()
            if re.search(rf"(?<![a-z]){re.escape(short)}(?![a-z])", text) and long not in text]


def spell_out(question: str, abbreviations: dict[str, str]) -> str:
    """A Chinese question with the long form of each defined abbreviation it uses appended, so
    that keywords and the dense model meet the plan's own name for it. (An English question gets
    the long forms' tokens instead: appended, they would turn it into a Chinese one.)"""
    if not _CJK.search(normalize(question)):
        return question
    extra = long_forms(question, abbreviations)
    return f"{question} {' '.join(extra)}" if extra else question


# jieba's part-of-speech tags of words that tell what is done, not what about: verb (v, vd, vg, vi;
# not vn, a verbal noun), adverb, adjective, preposition, conjunction, particle, pronoun, measure
# word (些, 点 of 具体点)
_FUNCTION_TAGS = frozenset("v vd vg vi d a ad ag p c u r q".split())


class Tokenizer:
    """One jieba instance with the plan's terms; the same for passages and queries."""

    def __init__(self, terms: Iterable[str] = ()):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.terms = sorted(set(terms) | {normalize(t) for t in _FIXED_TERMS})
        for term in self.terms:
            self._jieba.add_word(term, freq=20000)

    def __call__(self, text: str) -> list[str]:
        return self.tokens(text)

    def query_tokens(self, text: str) -> list[str]:
        """A question's search tokens (the same as a passage's: residents' everyday words meet
        the plan through the resident-question expansions, not through a word list here)."""
        return self.tokens(text)

    def function_words(self, text: str) -> set[str]:
        """The words of a text that jieba tags as saying what is done or how (verbs, adverbs,
        adjectives, pronouns, prepositions, conjunctions, particles, measure words): never what a
        question is about (达到 in 产值能达到多少?). Verbal nouns (投资, 教育) are not among them."""
        return {w for w, tag in self.tagger.cut(normalize(text).replace(" ", ""))
                if tag in _FUNCTION_TAGS}

    def parts(self, word: str) -> list[str]:
        """A word's shorter words, as `cut_for_search` finds them (停车场地 → 停车, 场地)."""
        return [w for w in self._jieba.cut_for_search(word) if w != word and len(w) > 1]

    @cached_property
    def tagger(self) -> Any:
        """jieba's part-of-speech tagger over the same words (~1 s to load: at the first use)."""
        import jieba.posseg

        return jieba.posseg.POSTokenizer(self._jieba)

    def tokens(self, text: str) -> list[str]:
        """Normalised search tokens without stop words or punctuation."""
        text = normalize(text)
        if not _CJK.search(text):
            text = english_to_terms(text)
        words = self._jieba.cut_for_search(text)
        return [w for w in (w.strip() for w in words)
                if w and w not in STOP_WORDS and _KEEP.search(w)]
