"""Whether a customer turn reads as a complaint, for the audit's complaint figures.

A *complaint* is a customer turn with at least one of the cue words below (a problem with the
goods, the delivery, the money or the service, or open anger). It is a deliberately simple, visible
rule: the figures it feeds are "complaints answered by a flagged reply" and "complaints answered
without an apology", counted on the first agent reply after the turn.
"""

from __future__ import annotations

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
_CUES = re.compile("|".join(map(re.escape, COMPLAINT_CUES)))


def is_complaint(turn: str) -> bool:
    return bool(_CUES.search(turn))
