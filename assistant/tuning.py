"""Every weight and threshold of retrieval, answer choice and refusal, named and kept together.

Values were chosen on the development questions and the team's own sets (see the README's
Quality section for which sets were tuned on); change them here and re-run `eval` on a set that
was not used to choose them.
"""

from __future__ import annotations

# Retrieval: fusion of BM25 and dense scores (retrieval.Searcher) ----------------------------------
DENSE_WEIGHT = 0.75  # dense cosine, stretched from the median passage (0) to the best (1)
DENSE_FLOOR_QUANTILE = 0.5
SINGLE_CHAR_WEIGHT = 0.2  # 做, 强, 指 …: one-character tokens are mostly noise
KEYWORD_TRUST = 0.5  # exponent on how much of the question the best BM25 passage covers
REFERENCE_BONUS = 10.0  # 第八章第三節 / 專欄8 / 附件2第8項 named in the question
PREAMBLE_BONUS = 1.0  # a question about the plan document itself
SECOND_PASSAGE_CREDIT = 0.05  # a place scores its best passage plus this much of its second
SENTENCE_WEIGHT = 0.15  # a passage's best sentence cosine, stretched like the dense score
EXPANSION_WEIGHT = 0.3  # a passage's best resident-question cosine (z-score over passages) / 3
EXPANSION_BM25_SHARE = 0.8  # an expansion question's BM25 match, relative to a passage's own

# Answers: sentence choice (answering.ExtractiveAnswerer) -----------------------------------------
MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 260
LEXICAL_WEIGHT = 0.55  # rarity-weighted question terms a sentence holds, vs its passage's rank
SENTENCE_SIMILARITY_WEIGHT = 0.35  # question–sentence cosine (stretched over the candidates)
RANK_PENALTY = 0.01  # per passage rank
NUMBER_BONUS = 0.08  # a sentence with a figure, for a question asking for one
SHORT_SENTENCE_CHARS = 12
SHORT_SENTENCE_PENALTY = 0.1
EXTRA_SENTENCE_BAR = 0.7  # a further sentence must score this share of the best and add terms
EXTRA_ROW_BAR = 0.85  # … of the best, when the best is a table row
CONTINUATION_BAR = 0.6  # the next sentence of the best one's passage

# Refusal: evidence that the plan covers the question (refusal.Evidence) ---------------------------
REFUSE_BELOW = 0.0  # support below this: the plan is silent
DENSE_Z_CENTRE = 2.5  # a best passage this many deviations above the rest is ordinary
DENSE_Z_WEIGHT = 0.35
AGREEMENT_BONUS = 0.05  # BM25 and dense agree on one of their top-3 places
PAST_EVENT_COVERAGE = 0.3  # "已经/最近…" with less coverage than this asks for news
OTHER_PLACE_COVERAGE = 0.5  # another place named with less coverage than this is about that place
ENGLISH_NO_TOPIC_Z = 3.0  # an English question with no topic word the plan knows
