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

from .normalize import normalize

__all__ = ["STOP_WORDS", "Tokenizer", "domain_terms"]

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
    section chapter
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
_TERM = re.compile(r"^[\w\u3400-\u9fff+]+$")
_KEEP = re.compile(r"[\w\u3400-\u9fff]")


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

    def tokens(self, text: str) -> list[str]:
        """Normalised search tokens without stop words or punctuation."""
        words = self._jieba.cut_for_search(normalize(text))
        return [w for w in (w.strip() for w in words)
                if w and w not in STOP_WORDS and _KEEP.search(w)]
