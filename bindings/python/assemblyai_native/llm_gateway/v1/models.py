"""The LLM Gateway's response models at 1.8.2's ``assemblyai.llm_gateway.v1.models``.

They read the gateway's JSON by attribute (a named field that is absent is None, any other
member is reachable too), as 1.8.2's pydantic models with ``extra="allow"`` do. Under 1.8.2's
names: ``LLMGatewayToolCall`` is a completion message's tool call (``id``, ``type``,
``function.name``, ``function.arguments``) and ``LLMGatewayUsage`` a completion's ``usage``
(``prompt_tokens``, ``completion_tokens``, ``total_tokens``). The package's top-level
``assemblyai_native.LLMGatewayToolCall`` and ``LLMGatewayUsage`` are the older, flat classes of
``LLMGateway.chat_completion()``'s :class:`LLMGatewayResponse`.
"""

from .._core import (
    LLMGatewayChatCompletion,
    LLMGatewayChoice,
    LLMGatewayChunkChoice,
    LLMGatewayChunkDelta,
    LLMGatewayChunkFunction,
    LLMGatewayChunkToolCall,
    LLMGatewayCompletionChunk,
    LLMGatewayCompletionToolCall as LLMGatewayToolCall,
    LLMGatewayCompletionUsage as LLMGatewayUsage,
    LLMGatewayFunction,
    LLMGatewayModel,
    LLMGatewayModelList,
    LLMGatewayPricing,
    LLMGatewayProvider,
    LLMGatewayResponseMessage,
    LLMGatewayUnderstandingResponse,
)

__all__ = [
    "LLMGatewayChatCompletion",
    "LLMGatewayChoice",
    "LLMGatewayChunkChoice",
    "LLMGatewayChunkDelta",
    "LLMGatewayChunkFunction",
    "LLMGatewayChunkToolCall",
    "LLMGatewayCompletionChunk",
    "LLMGatewayFunction",
    "LLMGatewayModel",
    "LLMGatewayModelList",
    "LLMGatewayPricing",
    "LLMGatewayProvider",
    "LLMGatewayResponseMessage",
    "LLMGatewayToolCall",
    "LLMGatewayUnderstandingResponse",
    "LLMGatewayUsage",
]
