"""Which customer messages each agent reply answers.

A chat's *customer turn* is the run of customer messages since the agent last spoke. An agent
reply's context is its chat's latest customer turn, joined by commas (as chat exports show it) and
cut to its last `CONTEXT_MAX_CHARS` characters; two agent messages in a row share that context.
Messages of other chats never enter it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple

CONTEXT_MAX_CHARS = 300
MAX_OPEN_CHATS = 200_000  # chats kept in memory; the least recently active is forgotten past this


@dataclass(slots=True)
class _Chat:
    turn: list[str] = field(default_factory=list)
    agent_spoke_last: bool = False
    turn_answered: bool = False


class ReplyContext(NamedTuple):
    context: str
    first_reply_to_turn: bool  # the first agent message after this customer turn


class ContextTracker:
    """Follows every chat's latest customer turn, with memory bounded by `max_chats`."""

    def __init__(self, max_chats: int = MAX_OPEN_CHATS) -> None:
        self.max_chats = max_chats
        self._chats: OrderedDict[str, _Chat] = OrderedDict()

    def customer(self, chat_id: str, text: str) -> None:
        chat = self._chat(chat_id)
        if chat.agent_spoke_last or not chat.turn:
            chat.turn, chat.turn_answered = [], False
        chat.turn.append(text.strip())
        chat.agent_spoke_last = False

    def agent(self, chat_id: str) -> ReplyContext:
        chat = self._chat(chat_id)
        first = bool(chat.turn) and not chat.turn_answered
        chat.turn_answered = chat.turn_answered or bool(chat.turn)
        chat.agent_spoke_last = True
        return ReplyContext(",".join(chat.turn)[-CONTEXT_MAX_CHARS:], first)

    def _chat(self, chat_id: str) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
            if len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return chat
