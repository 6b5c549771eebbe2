"""Text normalisation and tokenisation for Chinese customer-service replies.

`normalise` folds width and case, masks numbers, ids and placeholders to a few sentinel characters,
and drops whitespace. `tokenise` splits the normalised text into words (jieba, own `Tokenizer` with
the user dictionary in `resources/`), shop emoticons such as ``[微笑]``, emoji, Latin/number words,
placeholder tokens (``<num>``, ``<order>`` ...) and the punctuation that carries tone (``? ! ~``).
"""

from __future__ import annotations

import functools
import importlib.resources
import logging
import re
import sys
import unicodedata

import jieba

# Read through importlib.resources, so that it is found when the package is imported from a zip too.
USER_DICT = importlib.resources.files("model") / "resources" / "userdict.txt"

# Placeholders are folded to one private-use sentinel character each, so that character n-grams
# see them as one symbol and word tokens can name them.
_SENTINELS = {
    "\ue000": "<num>",
    "\ue001": "<order>",
    "\ue002": "<money>",
    "\ue003": "<phone>",
    "\ue004": "<name>",
    "\ue005": "<addr>",
    "\ue006": "<date>",
    "\ue007": "<time>",
    "\ue008": "<mask>",
    "\ue009": "<url>",
    "\ue00a": "<id>",
    "\ue00b": "<jd_emoticon>",
}
_SENTINEL_OF = {name: char for char, name in _SENTINELS.items()}
_MASK_KINDS = {
    "数字": "<num>", "订单": "<order>", "金额": "<money>", "电话": "<phone>", "姓名": "<name>",
    "地址": "<addr>", "日期": "<date>", "时间": "<time>",
}

_URL = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff]+|\b[a-z0-9.-]+\.(?:com|cn|net)(?:/[^\s\u4e00-\u9fff]*)?")
_JD_EMOTICON = re.compile(r"#e-s(?:\[数字x\]|\d+)")
_MASK = re.compile(r"\[(数字|订单|金额|电话|姓名|地址|日期|时间)x?\]|\[(?:orderid|rid)_\d+\]|\[[^\[\]\s]{1,12}x\]")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_ORDER_NUMBER = re.compile(r"(订单号?:?)\d{7,}")  # a written-out order number reads as a masked one (after NFKC: ":")
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufe00-\ufe0f]+")

_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u3297\u3299"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(
    rf"(?P<emoticon>\[[^\[\]{_EMOJI}]{{1,6}}\])"
    rf"|(?P<sentinel>[\ue000-\ue00b])"
    rf"|(?P<emoji>[{_EMOJI}])"
    rf"|(?P<latin>[a-z0-9_]+(?:['.\-][a-z0-9_]+)*)"
    rf"|(?P<cjk>[{_CJK}]+)"
    rf"|(?P<mark>[?!~])"
)
_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff]")


def _mask(match: re.Match) -> str:
    kind = match.group(1)
    if kind:
        return _SENTINEL_OF[_MASK_KINDS[kind]]
    if match.group(0).startswith(("[orderid", "[rid")):
        return _SENTINEL_OF["<order>"]
    return _SENTINEL_OF["<mask>"]


def _digits(match: re.Match) -> str:
    return _SENTINEL_OF["<id>"] if len(match.group(0)) >= 7 else _SENTINEL_OF["<num>"]


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Fold width and case, mask placeholders, urls, ids and numbers, drop whitespace."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _URL.sub(_SENTINEL_OF["<url>"], text)
    text = _JD_EMOTICON.sub(_SENTINEL_OF["<jd_emoticon>"], text)
    text = _MASK.sub(_mask, text)
    text = _ORDER_NUMBER.sub(r"\g<1>" + _SENTINEL_OF["<order>"], text)
    text = _DIGITS.sub(_digits, text)
    text = _SKIN_TONES.sub("", text)
    return _INVISIBLE.sub("", text)


@functools.cache
def _jieba() -> jieba.Tokenizer:
    """This package's own jieba tokenizer: the stock dictionary plus `USER_DICT`, never the global one."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with USER_DICT.open("rb") as words:
        tokenizer.load_userdict(words)
    return tokenizer


def warm_up() -> None:
    """Build jieba's prefix dictionary now rather than on the first reply."""
    _jieba()


@functools.lru_cache(maxsize=65536)
def tokenise(text: str) -> tuple[str, ...]:
    """Split a reply into tone-bearing tokens (see the module docstring)."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(normalise(text)):
        kind, value = match.lastgroup, match.group(0)
        if kind == "cjk":
            tokens.extend(map(sys.intern, _jieba().cut(value, HMM=False)))  # cached texts share their words
        elif kind == "sentinel":
            tokens.append(_SENTINELS[value])
        else:
            tokens.append(value)
    return tuple(tokens)


def is_display_token(token: str) -> bool:
    """True for tokens worth showing to an agent as evidence: words, emoticons and emoji."""
    return not (token.startswith("<") and token.endswith(">")) and token not in "?!~"
