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
EXPANSION_WEIGHT = 0.5  # a passage's best resident-question cosine (z-score over passages) / 3
EXPANSION_BM25_SHARE = 0.8  # an expansion question's BM25 match, relative to a passage's own
NAME_BONUS = 0.15  # the question names a table row or list item (its longest-matched name)
MIN_NAME_MATCH = 4  # characters of a name a question must hold …
NAME_SHARE = 0.6  # … and this share of the name
ENGLISH_KEY_SHARE = 0.4  # an English question's words in a passage's English key (titles, questions)
WORD_PAIR_MIN_DICE = 0.5  # an English and a Chinese word learned as a pair from the glossary's titles
WORD_PAIR_MIN_PAIRS = 2  # … when they share at least this many title pairs
DICTIONARY_MAX_WORDS = 3  # an English word glossing more plan words than this is too vague to use
DICTIONARY_MAX_GLOSSED = 60  # … or glossing more entries of the whole dictionary ("many", "near")

# Answers: sentence choice (answering.ExtractiveAnswerer) -----------------------------------------
MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 260
LEXICAL_WEIGHT = 0.35  # rarity-weighted question terms a sentence holds, vs its passage's rank
SENTENCE_SIMILARITY_WEIGHT = 0.2  # question–sentence cosine (stretched over the candidates)
RANK_PENALTY = 0.01  # per passage rank
NUMBER_BONUS = 0.08  # a sentence with a figure, for a question asking for one
SHORT_SENTENCE_CHARS = 12
SHORT_SENTENCE_PENALTY = 0.1
YEAR_BONUS = 0.05  # a sentence naming the year the question asks about
TOTAL_ROW_BONUS = 0.15  # a table's 合計/總計 row, for a question asking a total (一共, in total)
ROW_WITHOUT_YEAR_PENALTY = 0.3  # a table row with no column for the year asked
EXTRA_SENTENCE_BAR = 0.7  # a further sentence must score this share of the best and add terms
EXTRA_ROW_BAR = 0.85  # … of the best, when the best is a table row
CONTINUATION_BAR = 0.6  # the next sentence of the best one's passage
FOCUS_WEIGHT = 3.0  # a follow-up's own terms, against the previous question's, in sentence choice
TWIN_NAME_COVERAGE = 0.3  # a sentence stating an indicator row's figure holds this share of the
# row name's terms (rarity-weighted) to count as the same figure (figures.figure_twins)
UNREPORTED_NAME_COVERAGE = 1.0  # … and to state the figure a row leaves without one (暫無核定數),
# where no equal value is evidence (figures.unreported_twins)

# Refusal: the evidence model (refusal.Evidence) -------------------------------------------------
# Logistic weights over refusal.EVIDENCE_FEATURES, fitted by bench/calibrate_refusal.py with 5-fold
# cross-validation on bench/refusal_set.jsonl, bench/own_questions.jsonl, shared dev.jsonl and
# bench/unseen_questions_2.jsonl.
# (--balance 0.15: the unanswerable questions that pass every rule weigh 15 % of the answerable.)
EVIDENCE_WEIGHTS = (2.0238, 1.0313, -12.7737, 36.4822, 53.5261, -0.4302, 0.0000, 4.4016)
EVIDENCE_BIAS = -72.2112
# The same model for a plan without resident-question expansions (the national outline): fitted by
# `calibrate_refusal.py --without-expansions` on the same sets, retrieval run without them.
EVIDENCE_WEIGHTS_WITHOUT_EXPANSIONS = (0.9700, 1.3466, -14.7290, 57.8060, 0.0000, 0.0423, -3.4677,
                                       5.7630)
EVIDENCE_BIAS_WITHOUT_EXPANSIONS = -38.4048
REFUSE_BELOW = 0.0  # log-odds: below this the plan is silent
FULL_COVERAGE = 0.999  # evidence coverage at which every question term is found (float-safe 1.0)
LIVE_TOPIC_MIN_COVERAGE = 0.5  # 天气/房价/weather asked about: the plan must hold this share of the
# question's terms for it to be a question about the plan's policy rather than for live data
# An English word of an indicator's name that names it in a question: one the plan's English uses in
# at most this many sentences (budget, unemployment, tertiary; not school or public)
RARE_INDICATOR_WORD = 20
