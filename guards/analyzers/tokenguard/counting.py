"""Token counts for plain text and for chat messages.

Text is counted as ordinary text: a literal ``<|endoftext|>`` typed by a user is
counted as the characters it is (tiktoken's ``encode_ordinary``), never as a control
token, which is also what OpenAI's API does with user content.

Chat input follows OpenAI's published counting rule for the current chat models
(gpt-3.5-turbo-0613 onwards, gpt-4, gpt-4o, o-series): each message costs 3 tokens of
framing plus its role, content and name; a name costs 1 more; every reply is primed
with 3 tokens (``<|start|>assistant<|message|>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tiktoken

from guards.analyzers.base import PayloadError

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING_TOKENS = 3
_MESSAGE_KEYS = {"role", "content", "name"}


@dataclass(frozen=True, slots=True)
class Message:
    role: str
    content: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class MessageCount:
    index: int
    role: str
    content_tokens: int
    tokens: int  # content + role + name + framing

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "role": self.role, "content_tokens": self.content_tokens,
                "tokens": self.tokens}


def count_text(enc: tiktoken.Encoding, text: str) -> int:
    return len(enc.encode_ordinary(text))


def parse_messages(value: Any) -> list[Message]:
    """Validate ``payload["messages"]`` (chat format) or raise :class:`PayloadError`."""
    if not isinstance(value, list) or not value:
        raise PayloadError("messages", "Must be a non-empty list of {role, content[, name]} objects.")
    out: list[Message] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise PayloadError("messages", f"Item {i} must be an object.")
        unknown = set(item) - _MESSAGE_KEYS
        if unknown:
            raise PayloadError("messages", f"Item {i} has unknown keys: {sorted(unknown)}.")
        role, content, name = item.get("role"), item.get("content"), item.get("name")
        if not isinstance(role, str) or not role.strip():
            raise PayloadError("messages", f"Item {i}: role must be a non-empty string.")
        if content is None:
            content = ""  # an assistant turn that only called tools
        if not isinstance(content, str):
            raise PayloadError("messages", f"Item {i}: content must be a string.")
        if name is not None and not isinstance(name, str):
            raise PayloadError("messages", f"Item {i}: name must be a string.")
        out.append(Message(role=role, content=content, name=name))
    return out


def count_messages(enc: tiktoken.Encoding, messages: list[Message]) -> tuple[int, list[MessageCount]]:
    """Total prompt tokens of a chat request and each message's share of it."""
    per_message: list[MessageCount] = []
    total = REPLY_PRIMING_TOKENS
    for i, msg in enumerate(messages):
        content_tokens = count_text(enc, msg.content)
        tokens = TOKENS_PER_MESSAGE + count_text(enc, msg.role) + content_tokens
        if msg.name is not None:
            tokens += TOKENS_PER_NAME + count_text(enc, msg.name)
        per_message.append(MessageCount(i, msg.role, content_tokens, tokens))
        total += tokens
    return total, per_message
