"""When the plan cannot answer, and why: every refusal rule, by category, in one place.

The question is data, never instructions. Rules by category come first (instructions and
role-play, writing tasks, personal or investment advice, rankings and recommendations, live data,
other places, years the plan does not report); then a calibrated evidence score says whether the
retrieved text covers the question at all. Every rule is a kind of request that a five-year plan
can never satisfy, worded generally; the plan's own facts (its district, period and reported
years) come from its `PlanScope`, not from literals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import normalize
from .scope import PERIOD_NAME, YEAR, YEAR_SPAN, PlanScope
from .tuning import (
    EVIDENCE_BIAS,
    EVIDENCE_BIAS_WITHOUT_EXPANSIONS,
    EVIDENCE_WEIGHTS,
    EVIDENCE_WEIGHTS_WITHOUT_EXPANSIONS,
    FULL_COVERAGE,
    LIVE_TOPIC_MIN_COVERAGE,
    REFUSE_BELOW,
)

__all__ = ["EVIDENCE_FEATURES", "INTENT_REFUSALS", "Evidence", "category_reason", "refusal_reason"]

# What the asker wants done rather than asked: one such part makes the whole message so.
INTENT_REFUSALS = ("instruction", "writing", "personal", "ranking")

EVIDENCE_FEATURES = ("coverage", "dense_z", "dense_top", "sentence_top", "expansion_top",
                     "agreement", "has_topic", "english")


@dataclass(frozen=True)
class Evidence:
    """How well the retrieved text covers the question: the inputs of the evidence model."""

    coverage: float  # rarity-weighted share of the question's terms found in the best passages
    # (its words of how it is put that the plan never uses, 打算 怎么搞, left out)
    all_words_coverage: float  # the same share of all its words (涨 in 房价会涨吗: what the
    # live-topic rule weighs)
    dense_z: float  # how far the best passage's cosine stands above the rest (z-score)
    dense_top: float  # the best passage's cosine
    sentence_top: float  # the best sentence's cosine
    expansion_top: float  # the best resident-question cosine (question ~ question)
    agreement: bool  # BM25 and dense agree on one of their top-3 places
    has_topic: bool = True  # the question has a search term at all
    english: bool = False
    top_text: str = ""  # the best passages' text, normalised (Simplified), without spaces
    has_expansions: bool = True  # the plan has resident-question expansions (else expansion_top
    # is meaningless and the model fitted without it applies)

    def features(self) -> tuple[float, ...]:
        """In the order of EVIDENCE_FEATURES."""
        return (self.coverage, self.dense_z, self.dense_top, self.sentence_top, self.expansion_top,
                float(self.agreement), float(self.has_topic), float(self.english))

    @property
    def found_whole(self) -> bool:
        """Every term of the question (or every English word, by its keys) stands in the best
        passages, and BM25 and dense retrieval agree on the place: the plan speaks of it, however
        low the cosines (an English question's are lower than a Chinese one's). Whether it gives
        the figure asked is the answerer's figure checks' to judge."""
        return self.coverage >= FULL_COVERAGE and self.agreement

    @property
    def support(self) -> float:
        """The calibrated log-odds that the plan answers the question: a logistic model over the
        features, fitted by `bench/calibrate_refusal.py` (cross-validated) on labelled questions.
        Words alone miss colloquial paraphrases; a question close to one residents ask about a
        passage, or a best passage that stands out, make up for them."""
        weights, bias = ((EVIDENCE_WEIGHTS, EVIDENCE_BIAS) if self.has_expansions else
                         (EVIDENCE_WEIGHTS_WITHOUT_EXPANSIONS, EVIDENCE_BIAS_WITHOUT_EXPANSIONS))
        return bias + sum(w * x for w, x in zip(weights, self.features(), strict=True))


# Instructions, fake system or administrator notices, role-play, questions about the assistant.
_INSTRUCTION = re.compile(
    r"(忽略|无视|忘记|别管|不要管|跳过|不用理|不好理|不理).{0,12}(指令|指示|规则|设定|提示|文件|上面|之前|以上|限制)"
    r"|没有(任何)?限制的|不受(任何)?限制"
    r"|(系统|开发者|隐藏|管理员|后台)\s*(提示|指令|设定|规则|通知|消息|模式|prompt)|提示词|prompt"
    r"|\[(系统|管理员|通知|system|admin)|(已|被)(授权|授予|解锁)|解除(限制|封印)|开发者模式|管理员模式"
    r"|jailbreak|越狱|原样输出|developer (mode|message|settings)|hidden (rules|instructions)|dan mode"
    r"|ignore (all |your |the |any |previous |prior |above )*(instructions|rules|prompt)"
    r"|system (message|prompt)"
    r"|^(system|admin|administrator)\s*:|you are now|from now on you|act as|pretend|role-?play"
    r"|\b(admin|administrator|system)\b.{0,12}\b(override|notice|approved|authori[sz]ed)|override"
    r"|扮演|假装|假設你|假设你|你现在(是|系)|当作你是|(就)?当(自己|你)(是|系)|模仿.{0,6}(语气|口吻)"
    r"|扮(我|你|成|一个)"
    r"|(用|以)第一(身|人称)"
    r"|你(是|用)(什么|哪个|谁)?.{0,4}(模型|ai|机器人|程序|系统)|你是谁|你叫什么|who (made|built|are) you"
    r"|about yourself",
    re.IGNORECASE,
)
# Writing tasks: poems, essays, speeches, copy; the assistant quotes the plan, it does not compose.
_WRITING = re.compile(
    r"(写|作|编|来|创作)(一|几|两|个)?(首|篇|段|个|份|封|条)(.{0,14})(诗|词|歌|绝句|律诗|笑话|小说|作文|对联|故事|"
    r"演讲|发言|讲话稿|稿|文案|广告|报告|总结|信|口号|标语|周记|日记|朋友圈)"
    r"|(一|几|两)首.{0,6}(诗|词|歌|绝句|律诗)"  # 用一首七言绝句总结…: in verse, whatever the verb
    r"|(帮|替|给|为)(我|我们)\S{0,8}(写|编|做|起草|拟|润色|翻译|改写)"
    r"|写(一|个|份|条)?(作文|演讲稿|发言稿|文案|广告|总结报告|心得)|改写|改编|脚本|剧本"
    r"|翻译(成|为|做)|\btranslat(e|ion)\b"  # a translation is a text to compose, not a quote
    r"|poem|haiku|joke|essay|speech|slogan|\b(write|compose|draft)\b",
    re.IGNORECASE,
)
# Advice for the asker's own life: a first person with a should/which choice, money decisions.
_PERSONAL = re.compile(
    r"我(自己|们家|家|孩子|个仔|个女|儿子|女儿|老公|老婆|父母|屋企)?.{0,20}"
    r"(应该|该不该|要不要|应不应该|适合|合适|适不适合|该|定系|还是)"
    r"|(好不好|好唔好|值不值得|值唔值|抵唔抵|划不划算|划算吗|该不该|要不要)[?？!。 ]*$"
    r"|值不值得(买|投|去|读)|股票|彩票|炒股|算命|风水|(能|会|可以)(赚钱|升值|保值)"
    r"|(帮|替)(我|我们)\S{0,3}(查|办|申请|预约|登记|缴|交|订|报名)"  # a service for the asker
    r"|(带|准备|需要|要)(什么|哪些|咩)(材料|资料|证件|手续)|(去|到)(哪个|边个|哪)(窗口|部门)办"
    r"|\bhow (do|can|should) i (apply|register|sign up)\b|\bwhat documents\b|\b(fill in|fill out) my\b"
    r"|\b(check|look up|find) (my|our)\b|\bbook (me|a|an)\b"
    r"|should (i|we|my)\b|worth (buying|investing)|good idea for me|for me to\b|\bmy (money|savings)\b"
    r"|\binvest(ing|ment advice)?\b.{0,20}\b(i|my)\b|\bstocks?\b|\bshares\b|\bcrypto"
    # the assistant's own opinion, and the asker's own accounts and policies
    r"|你(觉得|认为|睇).{0,30}(吗|嗎|唔|好不好|能不能|会不会|靠谱|值得)|靠谱吗|靠唔靠谱"
    r"|in your opinion|do you think"
    r"|我(的|嘅|个)?(社保|医保|公积金|养老金|保险|保单|账户|户口|工资卡)"
    r"|\bmy ([\w-]+ ){0,3}(insurance|account|pension|policy|social security)\b"
    # what will happen to the asker's own child, rent or pay: a case, not a policy
    r"|\b(can|will|could|would) my\b"
    r"|我(的|嘅|家)?(孩子|小孩|个仔|个女|儿子|女儿|房租|租金|工资|人工|房子)\S{0,4}"
    r"(能不能|可不可以|可唔可以|会不会|会唔会|能否)",
    re.IGNORECASE,
)
# A rank the plan itself reports in the best passages (2019年上榜全国综合实力百强区(第10位), 排前列):
# asked about, it is answered, not refused as a ranking of schools or shops.
_REPORTED_RANK = re.compile(r"百强|第\d+位|排(名)?前列|排名第")
# Which particular school, hospital or shop is better: a which-question with a comparison.
# A judgement of worth (最好, 最出名, best), not a measure the plan may give (投资最多, 最大).
_RANKING = re.compile(
    r"(哪|边)(家|间|所|个|位|条)?.{0,12}"
    r"(最(好|厉害|出名|有名|抵|靓|正|叻|难|适合|便宜|贵|差|强|受欢迎)|好些|好啲|厉害|出名|好吃|好玩|口碑|排第一)"
    r"|(哪|边)(家|间|所|个|位|条).{0,4}(更好|较好|更强)"
    r"|(最|更)(好|厉害|强|差|难|便宜|贵|出名|正|靓|好吃|好玩).{0,10}(是哪|哪|边)"
    r"|(推荐|推介|介绍)(一|几|个|间|家|所|些|下)|(推荐|推介)[?？!。 ]*$|有什么好(吃|食|玩)的|排名|排行|哪家强"
    r"|\b(recommend|top \d+|top (three|five|ten)|ranking|rank|ranked)\b"
    r"|\bbest\b(?![- ](way|use|practices?|known|able|placed|of)\b)"
    r"|\bthe most (fun|popular|famous)\b",
    re.IGNORECASE,
)
# Live data: today's weather, prices, timetables, opening hours, current actual values, news,
# who holds an office now. Words of time ask for the present, always; words of a topic (天气, 房价,
# weather) only when the question asks for no policy and the plan holds little of its other words:
# 房价 policy and weather-disaster warnings are in the plan.
_LIVE = re.compile(
    r"(今天|今晚|明天|周末|下周)\S{0,6}(雨|热|冷)|会不会下雨|下雨吗|台风什么时候|"
    r"几点|开门|关门|多少钱一(斤|张|碗|杯|份|平)|电话是|地址在|星期几|几号|"
    r"今天|今日|明天|昨天|此刻|实时|本周|这周|下周|明年|后年|前年|最新消息|新闻|现任|区长|市长|书记是谁"
    r"|实际.{0,8}(现在|目前|今年|最新)|(现在|目前|今年|最新).{0,8}实际"
    r"|today|tomorrow|yesterday|this week|next week|right now|latest news|"
    r"who is the (mayor|head|party secretary)|next (bus|train)|\bcurrent(ly)?\b"
    r"|(what|how)('s| is| will be) the weather|how much (is|are|does|do|will)\b.{0,24}\b(ticket|fare|price)"
    # the state of a service now: queues, jams, suspensions, delays, free places
    r"|而家|等多久|堵不堵|堵唔堵|塞不塞|塞唔塞|塞车|停运|延误|空床位|空位|余票"
    r"|at the moment|\bdelay(ed|s)?\b",
    re.IGNORECASE,
)
# How to reach or use an office or facility: a five-year plan holds no phone numbers, addresses,
# web sites, opening hours or fees.
_CONTACT = re.compile(
    r"电话\S{0,2}(是|系|多少|几多|号码)|热线|地址|门牌|网址|邮箱|公众号|开放时间|营业时间"
    r"|(收费|学费|月费|费用)\S{0,4}(多少|几多|几钱|标准)|\bopening (hours|times)\b"
    r"|\b(what|how much) (are|is|will be) the ([\w-]+ ){0,2}(fees?|tuition)\b"
    r"|\b(phone number|telephone|hotline|e-?mail|website)\b"
    r"|\b(street|postal|mailing) address|\baddress (of|for)\b|\bwhat('s| is) the address",
    re.IGNORECASE,
)
# A day or date: the plan schedules by years and periods (2021—2023年), never by day.
_EXACT_DATE = re.compile(
    r"哪一天|哪天|边日|几月几(号|日)|具体日期|具体(几|哪)号|(开业|开馆|开幕|开通)日期"
    r"|\b(what|which|exact) (date|day)\b|\bexact\b.{0,20}\bdate\b|\bopening date\b",
    re.IGNORECASE,
)
_ASKS_POLICY = re.compile(r"规划|纲要|政策|措施|plan|polic", re.IGNORECASE)
_LIVE_TOPIC = re.compile(
    r"天气|气温|带伞|刮风|营业时间|门票|票价|房价|楼价|二手房|二手楼|均价|油价|菜价|股价|汇率|比分|时刻表|班次|"
    r"下一班|电话号码|weather|\brain\b|forecast|ticket|price of|opening hours|timetable|phone number|"
    r"exchange rate",
    re.IGNORECASE,
)
# Things a five-year plan never contains: entertainment, celebrities, general knowledge.
# (a match is off-topic, a stadium is not: the plan builds 廣州恒大專業足球場)
_OFF_TOPIC = re.compile(
    r"电影|明星|演唱会|世界杯|足球赛|篮球赛|菜谱|怎么煮|怎么做饭|食谱|星座|签证|护照|首都|"
    r"\d\s*[-+*/×÷]\s*\d+\s*(=|等于|是多少)|平方根|等于几|食什么好|吃什么好|"
    r"movie|celebrity|football (match|game|score)|world cup|recipe|cook|capital of|square root",
    re.IGNORECASE,
)
# Words that ask about something that has happened (news, actual results), not about the plan.
_PAST_EVENT = re.compile(r"开通了|已经|最近|今年|去年|目前|现在|最新|刚刚|举办|举行|开幕|发生|什么时候|实际")
# The outcome of something planned (when it finally opened, whether a target was actually met):
# the plan was written before, it cannot know.
_OUTCOME = re.compile(
    r"(最终|最后|实际|到底)(是)?(哪一?年|哪天|什么时候|几时|有没有|达到|完成|实现)"
    r"|\b(happened|actually|did .{0,30}(reach|achieve|open|finish|complete|meet))\b"
    # whether it is built or open by now: 建好了吗, 开咗未, has it opened yet
    r"|(建好|建成|落成|完工|开通|开业|开馆|启用|通车)(了|咗)(吗|嗎|没|未|冇|沒)"
    r"|\b(has|have|is|are)\b.{0,40}\byet\b",
    re.IGNORECASE,
)
# Places a resident may ask about instead of the plan's district: Guangzhou's other districts,
# other cities and countries. Asked in the plan's own context (a link it plans) they are fine.
_OTHER_PLACES = """
    越秀 海珠 荔湾 天河 白云 黄埔 花都 南沙 从化 增城 北京 上海 天津 重庆 深圳 佛山 东莞 珠海 中山
    江门 惠州 肇庆 清远 汕头 湛江 韶关 广东省 香港 澳门 台湾 杭州 南京 苏州 成都 武汉 西安 长沙 厦门 顺德 南海
    前海 横琴 美国 英国 日本 韩国 加拿大 澳洲 澳大利亚 新加坡 欧洲 泰国
""".split()
# A comparison with another place: the plan measures its district against its own past and
# targets, never against another district or city.
_COMPARISON = re.compile(r"比较|相比|对比|比起|(跟|和|与|同)\S{0,8}比|(高|多|好|快)还是|差距"
                         r"|\bthan\b|\bcompared?\b|\bcomparison\b|\bversus\b|\bvs\b", re.IGNORECASE)
# The plan's own short forms for a place: 港澳 speaks of Hong Kong and Macao together.
_ALIASES = {"香港": ("港澳", "香港"), "澳门": ("港澳", "澳门"), "佛山": ("广佛", "佛山")}
_ENGLISH_PLACES = {"guangdong": "广东省", "hong": "香港", "macau": "澳门", "macao": "澳门",
                   "shenzhen": "深圳", "foshan": "佛山",
                   "beijing": "北京", "shanghai": "上海", "tianhe": "天河", "haizhu": "海珠",
                   "nansha": "南沙", "shunde": "顺德", "dongguan": "东莞", "zhuhai": "珠海",
                   "zhongshan": "中山", "singapore": "新加坡", "japan": "日本", "korea": "韩国",
                   "america": "美国", "usa": "美国", "britain": "英国", "uk": "英国", "taiwan": "台湾",
                   "europe": "欧洲", "canada": "加拿大", "australia": "澳大利亚", "thailand": "泰国"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# What a place's own plan is called: 南沙区的十四五规划, Nansha's plan.
_OWN_PLAN = re.compile(r"(“?十[一二三四五六七八九]五”?|\d{4}年?)?.{0,3}(规划|纲要|计划)"
                       r"|(14th |five-year )*plan", re.IGNORECASE)


def category_reason(question: str, evidence: Evidence, scope: PlanScope, plan_text: str) -> str | None:
    """The category rules alone: instructions, writing, personal advice, rankings, live data,
    other places, periods the plan does not report."""
    spaced = normalize(question)
    simplified = spaced.replace(" ", "")
    if _INSTRUCTION.search(question) or _INSTRUCTION.search(spaced):
        return "instruction"
    if _WRITING.search(spaced):
        return "writing"
    if _PERSONAL.search(spaced):
        return "personal"
    if _RANKING.search(spaced) and not _REPORTED_RANK.search(evidence.top_text):
        return "ranking"
    if _LIVE.search(spaced) or (_LIVE_TOPIC.search(spaced) and not _ASKS_POLICY.search(spaced)
                                and evidence.all_words_coverage < LIVE_TOPIC_MIN_COVERAGE):
        return "live_data"
    if _OFF_TOPIC.search(spaced) or _CONTACT.search(spaced) or _EXACT_DATE.search(spaced):
        return "not_in_plan"
    if other := _other_place(simplified, spaced, evidence, scope, plan_text):
        return other
    # results the plan reports: of years before it was written (2020年实际达到多少, its tables'
    # years, or 2018—2019年 as its best passages describe them), not targets
    reported = any(int(y) < scope.start and (int(y) in scope.reported_years or y in evidence.top_text)
                   for y in YEAR.findall(simplified))
    if (_OUTCOME.search(spaced) and not reported) or _outside_period(simplified, evidence, scope):
        return "outside_period"
    return None


def refusal_reason(question: str, evidence: Evidence, scope: PlanScope, plan_text: str) -> str | None:
    """Why the plan cannot answer, or None: the category rules, then the evidence model.

    `plan_text` is the whole plan, normalised: a place it never mentions is asked for its own sake.
    """
    if reason := category_reason(question, evidence, scope, plan_text):
        return reason
    if evidence.support < REFUSE_BELOW and not evidence.found_whole:
        return "not_in_plan"
    return None


def _other_place(simplified: str, spaced: str, evidence: Evidence, scope: PlanScope,
                 plan_text: str) -> str | None:
    """Another place asked for its own sake; one the retrieved passages name in context is fine."""
    words = set(re.findall(r"[a-z]+", spaced))
    named = [n for n in _OTHER_PLACES if n in simplified]
    named += [zh for en, zh in _ENGLISH_PLACES.items() if en in words]
    if named and (_COMPARISON.search(spaced) or any(f"比{name}" in simplified for name in named)):
        return "other_place"  # measured against another place
    if scope.district_short and normalize(scope.district_short) in simplified:
        return None
    for name in named:
        if name not in plan_text:
            return "other_place"  # the plan never mentions it
        english = next((en for en, zh in _ENGLISH_PLACES.items() if zh == name and en in words), "")
        own = re.search(rf"{name}(区|市|县|镇|街)?(的|嘅)", simplified) or (
            english and re.search(rf"\b{english}\w*'s\b", spaced))
        if own and _OWN_PLAN.match(simplified[own.end():] if not english else
                                   spaced[spaced.index("'s") + 2:].strip()):
            return "other_place"  # another place's own plan: not this one
        # asked about its own affairs, only the name itself counts, not a pair like 港澳
        spoken_of = (name,) if own else _ALIASES.get(name, (name,))
        if not any(alias in evidence.top_text for alias in spoken_of):
            return "other_place"  # the passages that would answer do not speak of it
    return None


def _outside_period(simplified: str, evidence: Evidence, scope: PlanScope) -> bool:
    """A year or a five-year period the plan does not report, or news from after it was written."""
    for m in PERIOD_NAME.finditer(simplified):
        if scope.period_names and m.group(0) not in scope.period_names:
            return True
    # a span within the plan's own horizon (2021-2025, 2016—2020) names a period it covers
    spans = [m for m in YEAR_SPAN.finditer(simplified)
             if scope.start - 5 <= int(m.group(1)) and int(m.group(2)) <= (scope.vision or scope.end)]
    for m in reversed(spans):
        simplified = simplified[:m.start()] + " " + simplified[m.end():]
    for year in {int(y) for y in YEAR.findall(simplified)}:
        after_writing = scope.start <= year < scope.end or year > (scope.vision or scope.end)
        if after_writing and _PAST_EVENT.search(simplified):
            return True
        if year not in scope.reported_years and str(year) not in evidence.top_text:
            return True
    return False
