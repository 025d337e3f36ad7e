"""The LLM Gateway's client surface at 1.8.2's path, ``assemblyai.llm_gateway.v1``: the
blocking ``LLMGateway``, the asyncio ``AsyncLLMGateway``, the message param type and the
response models."""

from ...errors import LLMGatewayError
from .async_client import AsyncLLMGateway, AsyncLLMGatewayStream
from .client import LLMGateway
from .models import (
    LLMGatewayChatCompletion,
    LLMGatewayChoice,
    LLMGatewayChunkChoice,
    LLMGatewayChunkDelta,
    LLMGatewayCompletionChunk,
    LLMGatewayModel,
    LLMGatewayModelList,
    LLMGatewayResponseMessage,
    LLMGatewayToolCall,
    LLMGatewayUnderstandingResponse,
    LLMGatewayUsage,
)
from .params import LLMGatewayMessageParam

__all__ = [
    "AsyncLLMGateway",
    "AsyncLLMGatewayStream",
    "LLMGateway",
    "LLMGatewayChatCompletion",
    "LLMGatewayChoice",
    "LLMGatewayChunkChoice",
    "LLMGatewayChunkDelta",
    "LLMGatewayCompletionChunk",
    "LLMGatewayError",
    "LLMGatewayMessageParam",
    "LLMGatewayModel",
    "LLMGatewayModelList",
    "LLMGatewayResponseMessage",
    "LLMGatewayToolCall",
    "LLMGatewayUnderstandingResponse",
    "LLMGatewayUsage",
]
