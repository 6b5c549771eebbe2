"""What kind of message the customer sent: a complaint, thanks or praise, a question.

Deliberately simple, visible cue lists. The model crosses these kinds with the reply's words and
length (`features.PairSignals`), and the audit counts complaints with `is_complaint`: a customer
turn with at least one complaint cue (a problem with the goods, the delivery, the money or the
service, or open anger).
"""

from __future__ import annotations

import functools
import re

COMPLAINT_CUES = (
    "坏", "破", "碎", "烂", "裂", "漏", "脏", "臭", "霉", "过期", "变质", "异物", "虫", "掉色", "起球", "褪色",
    "质量", "假货", "假的", "二手", "瑕疵", "划痕", "少了", "少发", "漏发", "错了", "发错", "不对", "不一样",
    "色差", "太小", "太大", "不合适", "不能用", "用不了", "打不开", "没反应", "故障", "失灵", "卡顿", "没信号",
    "还没", "怎么还", "没到", "没收到", "没送", "延迟", "太慢", "好慢", "超时", "等了", "催", "丢了", "丢件",
    "退款", "退货", "退钱", "扣费", "多扣", "乱扣", "扣了", "收费", "骗", "坑", "投诉", "差评", "举报", "315",
    "不好", "很薄", "太薄", "皱", "态度", "不理", "没人管", "不处理", "敷衍", "失望", "生气", "垃圾", "太差", "什么玩意", "离谱", "过分",
    "凭什么", "为什么", "怎么回事", "怎么办", "搞什么", "到底",
)
THANKS_CUES = ("谢谢", "感谢", "多谢", "好评", "喜欢", "满意", "不错", "很好", "好用", "赞", "辛苦了", "麻烦你了",
               "没事了", "好的", "收到了", "知道了", "ok")
QUESTION_CUES = ("?", "吗", "么", "能不能", "可不可以", "可以吗", "怎么", "什么", "哪", "多久", "几", "是否", "有没有",
                 "是不是", "请问", "咨询")

# Optional kinds (`ModelConfig.repeat_urgent_kinds`): the customer says this is not the first time (or that
# they already gave what is asked for), or that it is urgent. A request for details or "please wait" reads
# as help the first time and as a brush-off after these.
REPEAT_CUES = ("又", "再次", "还是", "多少遍", "几遍", "两遍", "三遍", "好几遍", "两次", "三次", "好几次", "第二次",
               "第三次", "第四次", "说过", "说了", "问过", "问了", "发过", "已经发", "给过", "一直", "每次", "反复")
URGENT_CUES = ("急", "马上", "赶紧", "尽快", "立刻", "必须", "等不了", "来不及", "!!")

_COMPLAINT = re.compile("|".join(map(re.escape, COMPLAINT_CUES)))
_THANKS = re.compile("|".join(map(re.escape, THANKS_CUES)))
_QUESTION = re.compile("|".join(map(re.escape, QUESTION_CUES)))
_REPEAT = re.compile("|".join(map(re.escape, REPEAT_CUES)))
_URGENT = re.compile("|".join(map(re.escape, URGENT_CUES)))
BASIC_KINDS = (("complaint", _COMPLAINT), ("thanks", _THANKS), ("question", _QUESTION))
MORE_KINDS = BASIC_KINDS + (("repeat", _REPEAT), ("urgent", _URGENT))


def is_complaint(turn: str) -> bool:
    return bool(_COMPLAINT.search(turn))


@functools.lru_cache(maxsize=65536)
def message_kinds(normalised: str, more: bool = False) -> tuple[str, ...]:
    """The kinds a normalised customer message shows: complaint, thanks, question (`more`: also repeat,
    urgent); or none/other."""
    if not normalised:
        return ("none",)
    kinds = tuple(kind for kind, cues in (MORE_KINDS if more else BASIC_KINDS) if cues.search(normalised))
    return kinds or ("other",)
