"""Universal Streaming v3, as ``assemblyai.streaming.v3`` of the official SDK 1.x."""

from .client import RealTimeTranscriber, StreamingClient
from .models import (
    BeginEvent,
    Encoding,
    EventMessage,
    HeartbeatEvent,
    LLMGatewayResponseEvent,
    RealTimeError,
    RealTimeErrorCodes,
    RealTimeEvents,
    RealTimeParameters,
    RealTimeSessionParameters,
    RealTimeTranscriberOptions,
    SessionConfiguration,
    SpeechModel,
    SpeechStartedEvent,
    StreamingClientOptions,
    StreamingError,
    StreamingErrorCodes,
    StreamingEvents,
    StreamingParameters,
    StreamingSessionParameters,
    TerminationEvent,
    TurnEvent,
    WarningEvent,
    Word,
)

__all__ = [
    "BeginEvent", "Encoding", "EventMessage", "HeartbeatEvent", "LLMGatewayResponseEvent",
    "RealTimeError", "RealTimeErrorCodes", "RealTimeEvents", "RealTimeParameters",
    "RealTimeSessionParameters", "RealTimeTranscriber", "RealTimeTranscriberOptions",
    "SessionConfiguration", "SpeechModel", "SpeechStartedEvent", "StreamingClient",
    "StreamingClientOptions", "StreamingError", "StreamingErrorCodes", "StreamingEvents",
    "StreamingParameters", "StreamingSessionParameters", "TerminationEvent", "TurnEvent",
    "WarningEvent", "Word",
]

# asyncio (async_client.py): the asyncio counterpart of RealTimeTranscriber, as 1.8.2 has it.
from .async_client import AsyncRealTimeTranscriber, AsyncStreamingClient  # noqa: E402

__all__ += ["AsyncRealTimeTranscriber", "AsyncStreamingClient"]
