"""Universal Streaming v3, as ``assemblyai.streaming.v3`` of the official SDK 1.x."""

from .channels import (
    ChannelAttributionOptions,
    ChannelStreamer,
    DualChannelTurnEvent,
    DualChannelWord,
    EnergyVad,
    VadDetector,
    VadFrame,
    VadResult,
)
from .client import RealTimeTranscriber, StreamingClient
from .models import (
    BeginEvent,
    Encoding,
    EventMessage,
    HeartbeatEvent,
    LLMGatewayConfig,
    LLMGatewayMessage,
    LLMGatewayResponseEvent,
    NoiseSuppressionModel,
    RealTimeError,
    RealTimeErrorCodes,
    RealTimeEvents,
    RealTimeParameters,
    RealTimeSessionParameters,
    RealTimeTranscriberOptions,
    SessionConfiguration,
    SilenceEvent,
    SpeakerRevisionEvent,
    SpeakerRevisionItem,
    SpeechModel,
    SpeechStartedEvent,
    StreamingClientOptions,
    StreamingDomain,
    StreamingError,
    StreamingErrorCodes,
    StreamingEvents,
    StreamingMode,
    StreamingParameters,
    StreamingPiiPolicy,
    StreamingPiiSubstitution,
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
    # 1.8.2's newer names
    "LLMGatewayConfig", "LLMGatewayMessage", "NoiseSuppressionModel", "SilenceEvent", "SpeakerRevisionEvent",
    "SpeakerRevisionItem", "StreamingDomain", "StreamingMode", "StreamingPiiPolicy", "StreamingPiiSubstitution",
    # the streaming mixer (channels.py)
    "ChannelAttributionOptions", "ChannelStreamer", "DualChannelTurnEvent", "DualChannelWord", "EnergyVad",
    "VadDetector", "VadFrame", "VadResult",
]

# asyncio (async_client.py): the asyncio counterpart of RealTimeTranscriber, as 1.8.2 has it.
from .async_client import AsyncRealTimeTranscriber, AsyncStreamingClient  # noqa: E402

__all__ += ["AsyncRealTimeTranscriber", "AsyncStreamingClient"]
