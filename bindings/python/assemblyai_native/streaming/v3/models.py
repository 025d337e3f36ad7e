"""Universal Streaming v3 models, named as in the official SDK 1.x (``assemblyai.streaming.v3``).

Plain dataclasses (``dict()`` / ``json()`` / ``model_dump()`` like pydantic's); the parameter
classes take keyword arguments only, as pydantic models do."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from typing import Any, Dict, List, Literal, Optional, Union

from ...types._base import _Model, _Received


class _Params(_Model):
    def model_dump(self, exclude_none: bool = False, **_: Any) -> Dict[str, Any]:
        return self.dict(exclude_none=exclude_none)

    def model_dump_json(self, exclude_none: bool = False, **_: Any) -> str:
        return self.json(exclude_none=exclude_none)


class Encoding(str, enum.Enum):
    pcm_s16le = "pcm_s16le"
    pcm_mulaw = "pcm_mulaw"
    opus = "opus"
    ogg_opus = "ogg_opus"
    aac = "aac"

    def __str__(self) -> str:
        return self.value


class SpeechModel(str, enum.Enum):
    universal_streaming_multilingual = "universal-streaming-multilingual"
    universal_streaming_english = "universal-streaming-english"
    u3_rt_pro = "u3-rt-pro"
    whisper_rt = "whisper-rt"
    u3_pro = "u3-pro"  # deprecated upstream: use u3_rt_pro

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass
class Word(_Params):
    start: int
    end: int
    confidence: float
    text: str
    word_is_final: bool
    speaker: Optional[str] = None


@dataclasses.dataclass
class SessionConfiguration(_Params):
    model: Optional[str] = None
    mode: Optional[str] = None
    api_version: Optional[str] = None


@dataclasses.dataclass
class BeginEvent(_Params, _Received):
    id: str
    expires_at: datetime
    configuration: Optional[SessionConfiguration] = None
    type: Literal["Begin"] = "Begin"


@dataclasses.dataclass
class TurnEvent(_Params, _Received):
    turn_order: int
    turn_is_formatted: bool
    end_of_turn: bool
    transcript: str
    end_of_turn_confidence: float
    words: List[Word]
    language_code: Optional[str] = None
    language_confidence: Optional[float] = None
    speaker_label: Optional[str] = None
    utterance: Optional[str] = None
    type: Literal["Turn"] = "Turn"


@dataclasses.dataclass
class TerminationEvent(_Params, _Received):
    audio_duration_seconds: Optional[int] = None
    session_duration_seconds: Optional[int] = None
    type: Literal["Termination"] = "Termination"


@dataclasses.dataclass
class SpeechStartedEvent(_Params, _Received):
    timestamp: int
    confidence: Optional[float] = None
    type: Literal["SpeechStarted"] = "SpeechStarted"


@dataclasses.dataclass
class WarningEvent(_Params, _Received):
    warning_code: int
    warning: str
    type: Literal["Warning"] = "Warning"


@dataclasses.dataclass
class HeartbeatEvent(_Params, _Received):
    total_audio_received_ms: int = 0
    total_duration_ms: int = 0
    realtime_factor: float = 0.0
    max_speech_probability: float = 0.0
    type: Literal["Heartbeat"] = "Heartbeat"


@dataclasses.dataclass
class LLMGatewayResponseEvent(_Params, _Received):
    turn_order: int = 0
    transcript: str = ""
    data: Any = None
    type: Literal["LLMGatewayResponse"] = "LLMGatewayResponse"


EventMessage = Union[BeginEvent, TerminationEvent, TurnEvent, SpeechStartedEvent, WarningEvent,
                     HeartbeatEvent, LLMGatewayResponseEvent]


@dataclasses.dataclass
class StreamingSessionParameters(_Params):
    """Settings that may change during a session (``client.set_params(...)``)."""

    end_of_turn_confidence_threshold: Optional[float] = None
    min_end_of_turn_silence_when_confident: Optional[int] = None  # deprecated: min_turn_silence
    min_turn_silence: Optional[int] = None
    max_turn_silence: Optional[int] = None
    vad_threshold: Optional[float] = None
    format_turns: Optional[bool] = None
    keyterms_prompt: Optional[List[str]] = None
    filter_profanity: Optional[bool] = None
    prompt: Optional[str] = None
    agent_context: Optional[str] = None
    interruption_delay: Optional[int] = None
    turn_left_pad_ms: Optional[int] = None
    language_codes: Optional[List[str]] = None
    session_heartbeat: Optional[bool] = None


@dataclasses.dataclass
class StreamingParameters(StreamingSessionParameters):
    """Connection parameters (``client.connect(...)``). Fields this class does not know can be
    given in ``extra`` (sent as query parameters as given)."""

    sample_rate: Optional[int] = None
    encoding: Optional[Union[Encoding, str]] = None
    speech_model: Optional[Union[SpeechModel, str]] = None
    language_code: Optional[str] = None
    language_detection: Optional[bool] = None
    domain: Optional[str] = None
    inactivity_timeout: Optional[int] = None
    webhook_url: Optional[str] = None
    webhook_auth_header_name: Optional[str] = None
    webhook_auth_header_value: Optional[str] = None
    llm_gateway: Optional[Dict[str, Any]] = None
    speaker_labels: Optional[bool] = None
    max_speakers: Optional[int] = None
    voice_focus: Optional[str] = None
    voice_focus_threshold: Optional[float] = None
    continuous_partials: Optional[bool] = None
    include_partial_turns: Optional[bool] = None
    redact_pii: Optional[bool] = None
    redact_pii_policies: Optional[List[str]] = None
    redact_pii_sub: Optional[str] = None
    mode: Optional[str] = None
    extra: Optional[Dict[str, Any]] = None

    def __post_init__(self) -> None:
        if self.sample_rate is None and str(self.encoding or "") not in ("opus", "ogg_opus", "aac"):
            raise ValueError("sample_rate is required; it may only be omitted when encoding is "
                             "'opus', 'ogg_opus', or 'aac' (these streams are self-describing).")


@dataclasses.dataclass
class StreamingClientOptions(_Params):
    """Credentials and host. ``api_host`` is a host (``wss://`` is added) or a ``ws://`` /
    ``wss://`` URL. With the default host, a ``settings.base_url`` that is not AssemblyAI's (a
    proxy, the local server) serves v3 too."""

    api_host: str = "streaming.assemblyai.com"
    api_key: Optional[str] = None
    token: Optional[str] = None
    connect_timeout: float = 10.0
    max_connection_retries: int = 0
    connection_retry_delay: float = 0.5
    terminate_timeout: float = 5.0


class StreamingError(Exception):
    """A streaming failure; ``code`` is the close code or the server's error code."""

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        super().__init__(message)
        self.code = code


StreamingErrorCodes: Dict[int, str] = {
    1008: "Unauthorized connection",
    3005: "Server error",
    3006: "Input validation error",
    3007: "Audio chunk duration violation",
    3008: "Session expired: maximum session duration exceeded",
    3009: "Too many concurrent sessions",
    4000: "Sample rate must be a positive integer",
    4001: "Not Authorized",
    4002: "Insufficient Funds",
    4004: "Session Not Found",
    4008: "Session Expired",
    4010: "Session Previously Closed",
    4029: "Client sent audio too fast",
    4030: "Session is handled by another websocket",
    4031: "Session idle for too long",
    4100: "Endpoint received invalid JSON",
    4101: "Endpoint received a message with an invalid schema",
    4102: "This account has exceeded the number of allowed streams",
    4103: "The session has been reconnected. This websocket is no longer valid.",
    1013: "Temporary server condition forced blocking client's request",
}


class StreamingEvents(enum.Enum):
    Begin = "Begin"
    Termination = "Termination"
    Turn = "Turn"
    SpeechStarted = "SpeechStarted"
    Error = "Error"
    Warning = "Warning"
    Heartbeat = "Heartbeat"
    LLMGatewayResponse = "LLMGatewayResponse"


# The 1.x names (the former Streaming* names remain as aliases there: the same objects).
RealTimeTranscriberOptions = StreamingClientOptions
RealTimeParameters = StreamingParameters
RealTimeSessionParameters = StreamingSessionParameters
RealTimeEvents = StreamingEvents
RealTimeError = StreamingError
RealTimeErrorCodes = StreamingErrorCodes

__all__ = [name for name in dir() if not name.startswith("_") and name not in (
    "annotations", "dataclasses", "enum", "datetime", "Any", "Dict", "List", "Literal", "Optional", "Union")]
