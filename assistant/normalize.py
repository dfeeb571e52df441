"""One text normaliser for passages and queries alike, plus script conversion.

The plan is machine-converted Traditional Chinese that still keeps many Simplified forms, while
residents type Simplified (sometimes Cantonese) Chinese. Matching happens in Simplified, on
half-width digits and letters with unified punctuation, so both sides meet in one form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["ENGLISH_QUESTION_WORDS", "QUESTION_WORDS", "detect_script", "normalize", "plain_simplified",
           "to_simplified", "to_traditional"]

# Punctuation that has several look-alikes in the plan and in typed questions.
_PUNCT = str.maketrans(
    {
        "“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "‘": "'", "’": "'",
        "，": ",", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")",
        "【": "[", "】": "]", "〔": "[", "〕": "]", "—": "-", "–": "-", "－": "-", "～": "~",
        "∶": ":", "　": " ", "·": "·", "﹐": ",",
    }
)
# Cantonese wording in typed questions, mapped to the Mandarin the plan uses. Only characters and
# phrases that are Cantonese-only (係 is also 系 in 体系, so it is left alone).
_CANTONESE = (
    ("会唔会", "会不会"), ("系唔系", "是不是"), ("唔系", "不是"), ("系咪", "是不是"), ("屋企", "家"),
    ("点样", "怎样"), ("乜嘢", "什么"), ("咩嘢", "什么"), ("边度", "哪里"), ("边个", "哪个"),
    ("几多", "多少"), ("佢哋", "他们"), ("我哋", "我们"), ("你哋", "你们"), ("唔", "不"), ("冇", "没有"),
    ("嘅", "的"), ("喺", "在"), ("咗", "了"), ("啲", "些"), ("搵", "找"), ("睇", "看"), ("攞", "拿"),
    ("嚟", "来"), ("咩", "什么"), ("靓", "好"), ("有冇", "有没有"), ("返工", "上班"), ("放工", "下班"),
    ("日头", "白天"), ("听日", "明天"), ("琴日", "昨天"), ("而家", "现在"), ("几钱", "多少钱"),
    ("落雨", "下雨"), ("带遮", "带伞"), ("啱啱", "刚刚"), ("租楼", "租房"), ("买楼", "买房"),
    ("后生", "年轻人"), ("成日", "经常"), ("街坊", "居民"), ("细路", "小孩"), ("睇医生", "看病"),
    ("搭车", "坐车"), ("揸车", "开车"), ("行街", "逛街"), ("食嘢", "吃东西"), ("阿嫲", "奶奶"),
    ("阿爷", "爷爷"), ("老豆", "父亲"), ("使唔使", "要不要"), ("俾", "给"), ("点解", "为什么"),
    ("咁", "这么"), ("嗰", "那"), ("呢度", "这里"), ("呢啲", "这些"), ("呢个", "这个"),
)
_SPACES = re.compile(r"\s+")
# The question words that any asking clause may use, in normalised text (Mandarin, Cantonese
# mapped to Mandarin, English): the follow-up and the two-part-question rules add their own.
QUESTION_WORDS = r"什么|多少|几|哪|边|点样|吗|咩|乜"
ENGLISH_QUESTION_WORDS = r"\b(?:what|which|where|how|when|who|why)\b"
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional (incl. Hong Kong forms) to Simplified."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified to Traditional, for showing labels and messages in the plan's script."""
    return _converter("s2t").convert(text) if text else text


def normalize(text: str) -> str:
    """Simplified, half-width, unified punctuation, single spaces; lower-case Latin letters."""
    text = plain_simplified(text).translate(_PUNCT)
    return _SPACES.sub(" ", text).strip().lower()


def plain_simplified(text: str) -> str:
    """Simplified text with Cantonese wording in Mandarin, punctuation kept: what is embedded."""
    text = to_simplified(unicodedata.normalize("NFKC", text))
    for cantonese, mandarin in _CANTONESE:
        text = text.replace(cantonese, mandarin)
    return _SPACES.sub(" ", text).strip()


def detect_script(text: str) -> str:
    """'simplified', 'traditional' or 'english', from which conversion changes the text most."""
    han = _CJK.findall(text)
    if not han:
        return "english"
    han_text = "".join(han)
    simplified_changes = sum(a != b for a, b in zip(han_text, to_simplified(han_text), strict=False))
    traditional_changes = sum(
        a != b for a, b in zip(han_text, to_traditional(han_text), strict=False)
    )
    return "traditional" if simplified_changes > traditional_changes else "simplified"
