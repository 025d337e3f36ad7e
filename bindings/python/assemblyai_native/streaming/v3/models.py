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
    u3_rt_pro_beta_1 = "u3-rt-pro-beta-1"
    whisper_rt = "whisper-rt"
    universal_3_5_pro = "universal-3-5-pro"
    universal_3_6 = "universal-3-6"
    universal_3_6_pro = "universal-3-6-pro"
    u3_pro = "u3-pro"  # deprecated upstream: use u3_rt_pro

    def __str__(self) -> str:
        return self.value


class StreamingDomain(str, enum.Enum):
    medical = "medical-v1"

    def __str__(self) -> str:
        return self.value


class NoiseSuppressionModel(str, enum.Enum):
    near_field = "near-field"
    far_field = "far-field"

    def __str__(self) -> str:
        return self.value


class StreamingMode(str, enum.Enum):
    max_accuracy = "max_accuracy"
    min_latency = "min_latency"
    balanced = "balanced"

    def __str__(self) -> str:
        return self.value


class StreamingPiiSubstitution(str, enum.Enum):
    hash = "hash"
    entity_name = "entity_name"

    def __str__(self) -> str:
        return self.value


StreamingPiiPolicy = enum.Enum("StreamingPiiPolicy", [(n, n) for n in (  # type: ignore[misc]
    "account_number", "banking_information", "blood_type", "credit_card_number", "credit_card_expiration",
    "credit_card_cvv", "date", "date_interval", "date_of_birth", "drivers_license", "drug", "duration",
    "email_address", "event", "filename", "gender_sexuality", "gender", "healthcare_number", "injury",
    "ip_address", "language", "location", "marital_status", "medical_condition", "medical_process",
    "money_amount", "nationality", "number_sequence", "passport_number", "password", "person_age",
    "person_name", "phone_number", "physical_attribute", "political_affiliation", "occupation",
    "organization", "organization_medical_facility", "religion", "sexuality", "statistics", "time", "url",
    "us_social_security_number", "username", "vehicle_id", "zodiac_sign")], type=str)
StreamingPiiPolicy.__str__ = lambda self: self.value  # type: ignore[assignment,method-assign]


@dataclasses.dataclass
class LLMGatewayMessage(_Params):
    role: str
    content: str


@dataclasses.dataclass
class LLMGatewayConfig(_Params):
    model: str
    messages: List[LLMGatewayMessage]
    max_tokens: int


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


@dataclasses.dataclass
class SilenceEvent(_Params, _Received):
    """A stretch of audio without transcribed speech (``acknowledge_silence``, u3-rt-pro only)."""

    start_ms: int = 0
    end_ms: int = 0
    type: Literal["Silence"] = "Silence"


@dataclasses.dataclass
class SpeakerRevisionItem(_Params):
    """An earlier Turn (match ``turn_order``) whose speaker labels changed."""

    turn_order: int = 0
    speaker_label: Optional[str] = None
    words: List[Word] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class SpeakerRevisionEvent(_Params, _Received):
    """New speaker labels of earlier Turns (``speaker_labels``)."""

    revisions: List[SpeakerRevisionItem] = dataclasses.field(default_factory=list)
    type: Literal["SpeakerRevision"] = "SpeakerRevision"


EventMessage = Union[BeginEvent, TerminationEvent, TurnEvent, SpeechStartedEvent, WarningEvent,
                     HeartbeatEvent, SilenceEvent, LLMGatewayResponseEvent, SpeakerRevisionEvent]


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
    acknowledge_silence: Optional[bool] = None


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
    llm_gateway: Optional[Union[LLMGatewayConfig, Dict[str, Any]]] = None
    speaker_labels: Optional[bool] = None
    speaker_labels_revision_interval_ms: Optional[int] = None
    max_speakers: Optional[int] = None
    voice_focus: Optional[Union[NoiseSuppressionModel, str]] = None
    voice_focus_threshold: Optional[float] = None
    noise_suppression_model: Optional[Union[NoiseSuppressionModel, str]] = None  # deprecated: voice_focus
    noise_suppression_threshold: Optional[float] = None  # deprecated: voice_focus_threshold
    continuous_partials: Optional[bool] = None
    customer_support_audio_capture: Optional[bool] = None
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
    connect_timeout: float = 10.0  # per attempt, until Begin (1.8.2: 1.0 for the handshake alone)
    max_connection_retries: int = 2  # as 1.8.2; also retries an upgrade refused with 429 / 5xx
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
    Silence = "Silence"
    LLMGatewayResponse = "LLMGatewayResponse"
    SpeakerRevision = "SpeakerRevision"


# The 1.x names (the former Streaming* names remain as aliases there: the same objects).
RealTimeTranscriberOptions = StreamingClientOptions
RealTimeParameters = StreamingParameters
RealTimeSessionParameters = StreamingSessionParameters
RealTimeEvents = StreamingEvents
RealTimeError = StreamingError
RealTimeErrorCodes = StreamingErrorCodes

__all__ = [name for name in dir() if not name.startswith("_") and name not in (
    "annotations", "dataclasses", "enum", "datetime", "Any", "Dict", "List", "Literal", "Optional", "Union")]
