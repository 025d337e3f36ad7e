"""The LLM Gateway (LeMUR's successor), through libassemblyai's ``aai_llm_*`` calls.

``assemblyai_native.llm_gateway.v1`` is the client surface at 1.8.2's path
(``assemblyai.llm_gateway.v1``: ``LLMGateway``, ``AsyncLLMGateway`` and the models). This
package keeps the names it had as a module::

    gateway = aai.LLMGateway()
    response = gateway.chat_completion(
        "claude-sonnet-4-5-20250929",
        [{"role": "user", "content": "Summarize the call."}],
        transcript=transcript,          # the transcript as context (a system message)
    )
    print(response.text, response.usage.total_tokens)
"""

from ._core import (
    DEFAULT_BASE_URL,
    ENV_BASE_URL,
    LLMGateway,
    LLMGatewayChatCompletion,
    LLMGatewayChoice,
    LLMGatewayChunkChoice,
    LLMGatewayChunkDelta,
    LLMGatewayChunkFunction,
    LLMGatewayChunkToolCall,
    LLMGatewayCompletionChunk,
    LLMGatewayCompletionToolCall,
    LLMGatewayCompletionUsage,
    LLMGatewayFunction,
    LLMGatewayMessage,
    LLMGatewayModel,
    LLMGatewayModelList,
    LLMGatewayResponse,
    LLMGatewayResponseMessage,
    LLMGatewayStream,
    LLMGatewayTool,
    LLMGatewayToolCall,
    LLMGatewayUnderstandingResponse,
    LLMGatewayUsage,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "ENV_BASE_URL",
    "LLMGateway",
    "LLMGatewayStream",
    "LLMGatewayChatCompletion",
    "LLMGatewayChoice",
    "LLMGatewayResponseMessage",
    "LLMGatewayCompletionChunk",
    "LLMGatewayChunkChoice",
    "LLMGatewayChunkDelta",
    "LLMGatewayChunkToolCall",
    "LLMGatewayChunkFunction",
    "LLMGatewayCompletionToolCall",
    "LLMGatewayCompletionUsage",
    "LLMGatewayFunction",
    "LLMGatewayMessage",
    "LLMGatewayModel",
    "LLMGatewayModelList",
    "LLMGatewayTool",
    "LLMGatewayToolCall",
    "LLMGatewayUsage",
    "LLMGatewayResponse",
    "LLMGatewayUnderstandingResponse",
]
