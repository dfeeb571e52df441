"""One text normaliser for passages and queries alike, plus script conversion.

The plan is machine-converted Traditional Chinese that still keeps many Simplified forms, while
residents type Simplified (sometimes Cantonese) Chinese. Matching happens in Simplified, on
half-width digits and letters with unified punctuation, so both sides meet in one form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["detect_script", "normalize", "to_simplified", "to_traditional"]

# Punctuation that has several look-alikes in the plan and in typed questions.
_PUNCT = str.maketrans(
    {
        "“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "‘": "'", "’": "'",
        "，": ",", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")",
        "【": "[", "】": "]", "〔": "[", "〕": "]", "—": "-", "–": "-", "－": "-", "～": "~",
        "∶": ":", "　": " ", "·": "·", "﹐": ",",
    }
)
_SPACES = re.compile(r"\s+")
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
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text).translate(_PUNCT)
    return _SPACES.sub(" ", text).strip().lower()


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
