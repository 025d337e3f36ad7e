"""``LLMGatewayMessageParam``, at 1.8.2's ``assemblyai.llm_gateway.v1.params``: the type of one
chat message, a plain dict such as ``{"role": "user", "content": "..."}``."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, TypedDict, Union


class _MessageRole(TypedDict):
    role: str  # "user", "assistant", "system" or "tool" (a tool's result, with tool_call_id)


class LLMGatewayMessageParam(_MessageRole, total=False):
    """A chat message, passed as a plain dict: ``role`` is required, the rest optional."""

    content: Optional[Union[str, List[Dict[str, Any]]]]
    tool_calls: List[Dict[str, Any]]
    tool_call_id: str
    name: str
    thinking: str
    cache_control: Dict[str, Any]


__all__ = ["LLMGatewayMessageParam"]
