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
from .scope import PlanScope
from .tuning import (
    AGREEMENT_BONUS,
    DENSE_Z_CENTRE,
    DENSE_Z_WEIGHT,
    ENGLISH_NO_TOPIC_Z,
    OTHER_PLACE_COVERAGE,
    PAST_EVENT_COVERAGE,
    REFUSE_BELOW,
)

__all__ = ["Evidence", "refusal_reason"]


@dataclass(frozen=True)
class Evidence:
    """How well the retrieved text covers the question: the inputs of the evidence rule."""

    coverage: float  # rarity-weighted share of the question's terms found in the best passages
    dense_z: float  # how far the best passage's cosine stands above the rest (z-score)
    agreement: bool  # BM25 and dense agree on one of their top-3 places
    top_text: str = ""  # the best passages' text, normalised (Simplified)
    has_topic: bool = True  # the question has a search term at all

    @property
    def support(self) -> float:
        """Below REFUSE_BELOW the plan is silent. Words alone miss colloquial paraphrases; a dense
        best match that stands out from the other passages makes up for them. An off-topic
        question matches everything a little."""
        return (self.coverage + DENSE_Z_WEIGHT * (self.dense_z - DENSE_Z_CENTRE)
                + (AGREEMENT_BONUS if self.agreement else 0.0))


# Instructions, fake system or administrator notices, role-play, questions about the assistant.
_INSTRUCTION = re.compile(
    r"(忽略|无视|忘记|别管|不要管|跳过|不用理).{0,12}(指令|指示|规则|设定|提示|文件|上面|之前|以上|限制)"
    r"|(系统|开发者|隐藏|管理员|后台)\s*(提示|指令|设定|规则|通知|消息|模式|prompt)|提示词|prompt"
    r"|\[(系统|管理员|通知|system|admin)|(已|被)(授权|授予|解锁)|解除(限制|封印)|开发者模式|管理员模式"
    r"|jailbreak|越狱|原样输出|developer (mode|message|settings)|hidden (rules|instructions)|dan mode"
    r"|ignore (all |your |the |any |previous |prior |above )*(instructions|rules|prompt)"
    r"|system (message|prompt)"
    r"|^(system|admin|administrator)\s*:|you are now|from now on you|act as|pretend|role-?play"
    r"|扮演|假装|假設你|假设你|你现在是|当作你是|模仿.{0,6}(语气|口吻)"
    r"|你(是|用)(什么|哪个|谁)?.{0,4}(模型|ai|机器人|程序|系统)|你是谁|你叫什么|who (made|built|are) you"
    r"|about yourself",
    re.IGNORECASE,
)
# Writing tasks: poems, essays, speeches, copy; the assistant quotes the plan, it does not compose.
_WRITING = re.compile(
    r"(写|作|编|来|创作)(一|几|两|个)?(首|篇|段|个|份|封)(.{0,14})(诗|词|歌|绝句|律诗|笑话|小说|作文|对联|故事|"
    r"演讲|发言|讲话稿|稿|文案|广告|报告|总结|信|口号|标语|周记|日记|朋友圈)"
    r"|(帮|替|给)我(写|编|做|起草|拟|润色|翻译)|写(一|个|份)?(作文|演讲稿|发言稿|文案|广告词|总结报告|心得)"
    r"|poem|haiku|joke|essay|speech|slogan|\b(write|compose|draft)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(
    r"我(应该|该不该|要不要|应不应该|应唔应该|适合|适不适合|好不好|该).{0,10}"
    r"(买|卖|投资|搬|选|报|读|辞职|创业|开店|租|借|贷|入手|换)"
    r"|值不值得(买|投|去|读)|好不好(买|投)|好唔好|抵唔抵|划不划算|划算吗|股票|基金|彩票|炒股|理财|算命|风水"
    r"|should i\b|worth (buying|investing)|\binvest(ing|ment advice)?\b.{0,20}\b(i|my)\b"
    r"|\bmy (money|savings)\b"
    r"|\bstocks?\b|\bshares\b|\bcrypto",
    re.IGNORECASE,
)
_RANKING = re.compile(
    r"哪(家|间|所|个|位|条)?.{0,10}(最好|最差|最便宜|最贵|最出名|最正|最靓|最好吃|好吃|好玩|排第一|最强|最牛|口碑)"
    r"|(推荐|介绍)(一|几|个|间|家|所|些)|有什么好(吃|玩)的|排名|排行|排行榜|测评|哪家强"
    r"|\b(recommend|best|top \d+|ranking|rank)\b",
    re.IGNORECASE,
)
# Live data: today's weather, prices, timetables, opening hours, current actual values, news,
# who holds an office now.
_LIVE = re.compile(
    r"天气|下雨|气温|温度|带伞|刮风|台风什么时候|几点|营业时间|开门|关门|门票|票价|房价|楼价|二手房|二手楼|均价|"
    r"多少钱一|油价|菜价|股价|汇率|比分|时刻表|班次|电话号码|电话是|地址在|星期几|几号|"
    r"今天|今日|明天|昨天|此刻|实时|本周|这周|下周|明年|后年|前年|最新消息|新闻|现任|区长|市长|书记是谁"
    r"|实际.{0,8}(现在|目前|今年|最新)|(现在|目前|今年|最新).{0,8}实际"
    r"|weather|\brain\b|forecast|ticket|price of|opening hours|timetable|phone number|today|tomorrow|"
    r"yesterday|this week|next week|right now|latest news|who is the (mayor|head|party secretary)",
    re.IGNORECASE,
)
# Things a five-year plan never contains: entertainment, celebrities, general knowledge.
_OFF_TOPIC = re.compile(
    r"电影|明星|演唱会|比分|世界杯|足球赛|篮球赛|菜谱|怎么煮|怎么做饭|食谱|星座|签证|护照|"
    r"movie|celebrity|football|world cup|recipe|cook",
    re.IGNORECASE,
)
# Words that ask about something that has happened (news, actual results), not about the plan.
_PAST_EVENT = re.compile(r"开通了|已经|最近|今年|去年|目前|现在|最新|刚刚|举办|举行|开幕|什么时候")
# Places a resident may ask about instead of the plan's district: Guangzhou's other districts,
# other cities and countries. Asked in the plan's own context (a link it plans) they are fine.
_OTHER_PLACES = """
    越秀 海珠 荔湾 天河 白云 黄埔 花都 南沙 从化 增城 北京 上海 天津 重庆 深圳 佛山 东莞 珠海 中山
    江门 惠州 肇庆 清远 汕头 湛江 韶关 香港 澳门 台湾 杭州 南京 苏州 成都 武汉 西安 长沙 厦门 顺德 南海
    前海 横琴 美国 英国 日本 韩国 加拿大 澳洲 澳大利亚 新加坡 欧洲 泰国
    hong kong macau macao shenzhen foshan beijing shanghai tianhe haizhu nansha shunde
""".split()
_ENGLISH_PLACES = {"hong": "香港", "macau": "澳门", "macao": "澳门", "shenzhen": "深圳", "foshan": "佛山",
                   "beijing": "北京", "shanghai": "上海", "tianhe": "天河", "haizhu": "海珠",
                   "nansha": "南沙", "shunde": "顺德"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def refusal_reason(question: str, evidence: Evidence, scope: PlanScope, plan_text: str) -> str | None:
    """Why the plan cannot answer, or None. Rules by category first, then the evidence score.

    `plan_text` is the whole plan, normalised: a place it never mentions is asked for its own sake.
    """
    simplified = normalize(question).replace(" ", "")
    spaced = normalize(question)
    english = not _CJK.search(simplified)
    if _INSTRUCTION.search(question) or _INSTRUCTION.search(spaced):
        return "instruction"
    if _WRITING.search(spaced):
        return "writing"
    if _PERSONAL.search(spaced):
        return "personal"
    if _RANKING.search(spaced):
        return "ranking"
    if _LIVE.search(spaced) or _OFF_TOPIC.search(spaced):
        return "live_data" if _LIVE.search(spaced) else "not_in_plan"
    if other := _other_place(simplified, spaced, evidence, scope, plan_text):
        return other
    if _outside_period(simplified, evidence, scope):
        return "outside_period"
    if _PAST_EVENT.search(simplified) and evidence.coverage < PAST_EVENT_COVERAGE:
        return "not_in_plan"
    if english and not evidence.has_topic and evidence.dense_z < ENGLISH_NO_TOPIC_Z:
        return "not_in_plan"
    if evidence.support < REFUSE_BELOW:
        return "not_in_plan"
    return None


def _other_place(simplified: str, spaced: str, evidence: Evidence, scope: PlanScope,
                 plan_text: str) -> str | None:
    """Another place asked for its own sake; one the retrieved passages name in context is fine."""
    if scope.district_short and normalize(scope.district_short) in simplified:
        return None
    words = set(re.findall(r"[a-z]+", spaced))
    for name in _OTHER_PLACES:
        if name.isascii():
            if name.split()[0] not in words:
                continue
            name = _ENGLISH_PLACES[name.split()[0]]
        elif name not in simplified:
            continue
        if name not in plan_text:
            return "other_place"  # the plan never mentions it
        if name in evidence.top_text:
            continue  # the passages that answer name it: a link the plan itself plans
        their_own = re.search(rf"{name}[区市]?(的|\"|十四五|规划|gdp|人口|经济)", simplified)
        if their_own or evidence.coverage < OTHER_PLACE_COVERAGE:
            return "other_place"
    return None


def _outside_period(simplified: str, evidence: Evidence, scope: PlanScope) -> bool:
    """A year the plan does not report, or news from after it was written."""
    for year in {int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", simplified)}:
        after_writing = scope.start <= year < scope.end or year > (scope.vision or scope.end)
        if after_writing and _PAST_EVENT.search(simplified):
            return True
        if year not in scope.reported_years and str(year) not in evidence.top_text:
            return True
    return False
