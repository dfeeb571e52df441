"""English words → the plan's Chinese words, learned from the glossary's own title pairs.

The glossary gives every heading and table row an English title ("Number of high-tech
enterprises" for 高新技術企業數(家)). Across its ~400 pairs, an English word and a Chinese word
that keep appearing in the same pair translate each other (Dice coefficient of the pairs holding
them): high-tech ↔ 高新, mortality ↔ 死亡, cumulative ↔ 累计. An English question's words that the
hand-written word map lacks get the Chinese words learned here, so that keywords and sentence
choice meet the plan's text. Learned when the index is opened (tens of milliseconds), not stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping

from .tokens import english_words
from .tuning import WORD_PAIR_MIN_DICE, WORD_PAIR_MIN_PAIRS

__all__ = ["learn_word_pairs"]


def learn_word_pairs(titles: Mapping[str, str], chinese_tokens: Callable[[str], Iterable[str]],
                     skip: Collection[str] = frozenset()) -> dict[str, list[str]]:
    """Stemmed English word → Chinese tokens (two characters or more) that it pairs with in at
    least WORD_PAIR_MIN_PAIRS title pairs at a Dice coefficient of WORD_PAIR_MIN_DICE or more;
    `skip`: stemmed English words already mapped by hand."""
    english, chinese, both = Counter(), Counter(), Counter()
    for zh, en in titles.items():
        words = set(english_words(en)) - skip
        tokens = {t for t in chinese_tokens(zh) if len(t) >= 2}
        english.update(words)
        chinese.update(tokens)
        both.update((w, t) for w in words for t in tokens)
    out: dict[str, list[str]] = {}
    for (word, token), n in both.most_common():
        if n >= WORD_PAIR_MIN_PAIRS and 2 * n / (english[word] + chinese[token]) >= WORD_PAIR_MIN_DICE:
            out.setdefault(word, []).append(token)
    return out
