"""The tools a shop would otherwise pick, measured by `make eval` and `make bench` on the same replies.

- `KeywordRules`: what send-blocking plugins do — a list of phrases per tone (written by the team);
  a tone is given when one of its phrases occurs in the reply.
- `SnowNLPSentiment`: SnowNLP's sentiment score; a reply under 0.5 (negative) is taken as flagged and
  labeled `dismissive` (the commoner flag tone), since the tool knows no tones.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from model.labels import TONES

PHRASES: dict[str, tuple[str, ...]] = {
    "dismissive": ("没办法", "没有办法", "无能为力", "不归我们管", "找快递", "联系快递", "自己看", "看详情页", "正常现象",
                   "系统自动", "耐心等待", "等着吧", "不清楚", "不知道", "管不了", "找厂家", "联系售后吧", "每个人感觉不一样"),
    "hostile": ("爱买不买", "说了多少遍", "已经回答过", "你自己", "您自己选", "怪谁", "随便你", "随便投诉", "你没看",
                "这都不会", "什么质量", "不想买就", "烦不烦", "有完没完", "听不懂"),
    "apologetic": ("抱歉", "对不起", "不好意思", "久等", "添麻烦", "过意不去", "歉意", "见谅"),
    "empathetic": ("理解您", "别着急", "不要着急", "别担心", "请放心", "您放心", "心情", "跟进到底", "一定帮您", "换作是我"),
    "compensating": ("补偿", "红包", "优惠券", "无门槛", "退差价", "补差价", "价保", "补发", "运费我们", "承担运费", "赠送",
                     "送您", "返现", "京豆", "积分", "免费换"),
}


class KeywordRules:
    name = "keyword rules"

    def labels(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 matrix ``(texts, tones)``."""
        return np.array([[int(any(p in text for p in PHRASES[t])) for t in TONES] for text in texts],
                        dtype=np.int64).reshape(-1, len(TONES))


class SnowNLPSentiment:
    name = "SnowNLP sentiment"

    def __init__(self) -> None:
        from snownlp import SnowNLP  # imported here: only evaluation and benchmarks need it

        self._snownlp = SnowNLP

    def sentiment(self, text: str) -> float:
        return float(self._snownlp(text).sentiments) if text.strip() else 0.5

    def labels(self, texts: Sequence[str]) -> np.ndarray:
        column = TONES.index("dismissive")
        out = np.zeros((len(texts), len(TONES)), dtype=np.int64)
        out[:, column] = [self.sentiment(t) < 0.5 for t in texts]
        return out


def peers() -> list:
    """Every peer that can run here (SnowNLP only when it is installed)."""
    found: list = [KeywordRules()]
    try:
        found.append(SnowNLPSentiment())
    except ImportError:
        pass
    return found
