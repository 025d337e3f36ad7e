"""TranscriptionConfig: the official SDK's typed transcription options."""

from __future__ import annotations

from collections.abc import Mapping

from .. import _ffi, errors
from .._ffi import lib

from .enums import LanguageCode, PIIRedactedAudioQuality, PIIRedactionPolicy, PIISubstitutionPolicy, SpeechModel, SummarizationModel, SummarizationType, WordBoost
from ._base import _INVALID, _c_strings, _plain
from .options import KeytermsPromptOptions, LanguageDetectionOptions, RedactPiiAudioOptions, SpeakerOptions, SpeechUnderstandingRequest
from ._fields import CONFIG_FIELDS, _POSITIONAL
from .raw_config import RawTranscriptionConfig

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, TypeVar, Union

    _T = TypeVar("_T", bound="TranscriptionConfig")


_UNSET: Any = object()


class TranscriptionConfig:
    """Transcription options (the API's TranscriptParams), as in the official SDK.

    Takes the official SDK's keyword arguments (and the 0.37 ones positionally, in its order).
    Each is a read/write property; None means "not set" (not sent). Values are checked by
    libassemblyai against the API spec as they are set (a bad value raises
    InvalidArgumentError, a ValueError, naming the field). The ``set_*`` helpers work as in the
    official SDK. Fields the package does not know yet can be set through
    ``raw_transcription_config`` / the ``raw`` property, a :class:`RawTranscriptionConfig`,
    which is what is sent::

        config = TranscriptionConfig(speaker_labels=True)
        config.raw["some_new_field"] = True        # or config.raw.update({...})

    Unlike the official SDK, arguments left at None do not clear a value that
    ``raw_transcription_config`` brings.
    """

    _raw: RawTranscriptionConfig

    # Properties generated from CONFIG_FIELDS (annotated here for type checkers).
    language_code: Optional[Union[str, LanguageCode]]
    punctuate: Optional[bool]
    format_text: Optional[bool]
    dual_channel: Optional[bool]
    multichannel: Optional[bool]
    webhook_url: Optional[str]
    webhook_auth_header_name: Optional[str]
    webhook_auth_header_value: Optional[str]
    audio_start_from: Optional[int]
    audio_end_at: Optional[int]
    word_boost: Optional[List[str]]
    boost_param: Optional[Union[str, WordBoost]]
    filter_profanity: Optional[bool]
    redact_pii: Optional[bool]
    redact_pii_audio: Optional[bool]
    redact_pii_audio_quality: Optional[Union[str, PIIRedactedAudioQuality]]
    redact_pii_policies: Optional[List[Union[str, PIIRedactionPolicy]]]
    redact_pii_sub: Optional[Union[str, PIISubstitutionPolicy]]
    speaker_labels: Optional[bool]
    speakers_expected: Optional[int]
    content_safety: Optional[bool]
    content_safety_confidence: Optional[int]
    iab_categories: Optional[bool]
    custom_spelling: Optional[Dict[str, Union[str, List[str]]]]
    disfluencies: Optional[bool]
    sentiment_analysis: Optional[bool]
    auto_chapters: Optional[bool]
    entity_detection: Optional[bool]
    summarization: Optional[bool]
    summary_model: Optional[Union[str, SummarizationModel]]
    summary_type: Optional[Union[str, SummarizationType]]
    auto_highlights: Optional[bool]
    language_detection: Optional[bool]
    language_confidence_threshold: Optional[float]
    speech_threshold: Optional[float]
    speech_model: Optional[Union[str, SpeechModel]]
    language_codes: Optional[List[str]]
    redact_pii_audio_options: Optional[Dict[str, Any]]
    redact_pii_return_unredacted: Optional[bool]
    speaker_options: Optional[Dict[str, Any]]
    language_detection_options: Optional[Dict[str, Any]]
    speech_models: Optional[List[str]]
    prompt: Optional[str]
    temperature: Optional[float]
    remove_audio_tags: Optional[str]
    keyterms_prompt: Optional[List[str]]
    keyterms_prompt_options: Optional[Dict[str, Any]]
    speech_understanding: Optional[Dict[str, Any]]
    domain: Optional[str]
    topics: Optional[List[str]]
    custom_topics: Optional[bool]

    if TYPE_CHECKING:  # the signature type checkers see (the official SDK's)

        def __init__(
            self,
            language_code: Optional[Union[str, LanguageCode]] = None,
            punctuate: Optional[bool] = None,
            format_text: Optional[bool] = None,
            dual_channel: Optional[bool] = None,
            multichannel: Optional[bool] = None,
            webhook_url: Optional[str] = None,
            webhook_auth_header_name: Optional[str] = None,
            webhook_auth_header_value: Optional[str] = None,
            audio_start_from: Optional[int] = None,
            audio_end_at: Optional[int] = None,
            word_boost: Optional[List[str]] = None,
            boost_param: Optional[Union[str, WordBoost]] = None,
            filter_profanity: Optional[bool] = None,
            redact_pii: Optional[bool] = None,
            redact_pii_audio: Optional[bool] = None,
            redact_pii_audio_quality: Optional[Union[str, PIIRedactedAudioQuality]] = None,
            redact_pii_policies: Optional[Sequence[Union[str, PIIRedactionPolicy]]] = None,
            redact_pii_sub: Optional[Union[str, PIISubstitutionPolicy]] = None,
            speaker_labels: Optional[bool] = None,
            speakers_expected: Optional[int] = None,
            content_safety: Optional[bool] = None,
            content_safety_confidence: Optional[int] = None,
            iab_categories: Optional[bool] = None,
            custom_spelling: Optional[Mapping[str, Union[str, Sequence[str]]]] = None,
            disfluencies: Optional[bool] = None,
            sentiment_analysis: Optional[bool] = None,
            auto_chapters: Optional[bool] = None,
            entity_detection: Optional[bool] = None,
            summarization: Optional[bool] = None,
            summary_model: Optional[Union[str, SummarizationModel]] = None,
            summary_type: Optional[Union[str, SummarizationType]] = None,
            auto_highlights: Optional[bool] = None,
            language_detection: Optional[bool] = None,
            language_confidence_threshold: Optional[float] = None,
            speech_threshold: Optional[float] = None,
            raw_transcription_config: Optional[Union[RawTranscriptionConfig, Mapping[str, Any], str]] = None,
            speech_model: Optional[Union[str, SpeechModel]] = None,
            *,
            language_codes: Optional[List[str]] = None,
            redact_pii_audio_options: Optional[Union[RedactPiiAudioOptions, Mapping[str, Any]]] = None,
            redact_pii_return_unredacted: Optional[bool] = None,
            speaker_options: Optional[Union[SpeakerOptions, Mapping[str, Any]]] = None,
            language_detection_options: Optional[Union[LanguageDetectionOptions, Mapping[str, Any]]] = None,
            speech_models: Optional[List[str]] = None,
            prompt: Optional[str] = None,
            temperature: Optional[float] = None,
            remove_audio_tags: Optional[str] = None,
            keyterms_prompt: Optional[List[str]] = None,
            keyterms_prompt_options: Optional[Union[KeytermsPromptOptions, Mapping[str, Any]]] = None,
            speech_understanding: Optional[Union[SpeechUnderstandingRequest, Mapping[str, Any]]] = None,
            domain: Optional[str] = None,
            topics: Optional[List[str]] = None,
            custom_topics: Optional[bool] = None,
        ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[no-redef]
        if len(args) > len(_POSITIONAL):
            raise TypeError(f"TranscriptionConfig takes at most {len(_POSITIONAL)} positional arguments")
        for name, value in zip(_POSITIONAL, args):
            if name in kwargs:
                raise TypeError(f"TranscriptionConfig got multiple values for argument {name!r}")
            kwargs[name] = value
        raw_config = kwargs.pop("raw_transcription_config", None)
        for name in kwargs:
            if name not in CONFIG_FIELDS:
                raise TypeError(
                    f"TranscriptionConfig got an unexpected keyword argument {name!r} "
                    f"(set fields this package does not know through raw_transcription_config)"
                )

        if isinstance(raw_config, RawTranscriptionConfig):
            raw = raw_config
        else:
            raw = RawTranscriptionConfig()
            if raw_config is not None:
                raw.update(raw_config)
        object.__setattr__(self, "_raw", raw)
        self._apply(kwargs)

    def _apply(self, kw: Dict[str, Any]) -> None:
        """Sets the constructor's arguments in the official SDK's order, each field through its
        setter or helper. A group whose arguments are all None (or absent) is left alone, so
        that values from raw_transcription_config stay."""

        def given(*names: str) -> bool:
            return any(kw.get(n) is not None for n in names)

        def simple(*names: str) -> None:
            for n in names:
                if kw.get(n) is not None:
                    setattr(self, n, kw[n])

        simple("language_code", "language_codes", "punctuate", "format_text", "dual_channel", "multichannel")
        if given("webhook_url", "webhook_auth_header_name", "webhook_auth_header_value"):
            self.set_webhook(kw.get("webhook_url"), kw.get("webhook_auth_header_name"),
                             kw.get("webhook_auth_header_value"))
        if given("audio_start_from", "audio_end_at"):
            self.set_audio_slice(kw.get("audio_start_from"), kw.get("audio_end_at"))
        if kw.get("word_boost") is not None or kw.get("boost_param") is not None:
            self.set_word_boost(kw.get("word_boost") or [], kw.get("boost_param"))
        simple("filter_profanity")
        if given("redact_pii", "redact_pii_audio", "redact_pii_audio_quality", "redact_pii_policies",
                 "redact_pii_sub", "redact_pii_audio_options", "redact_pii_return_unredacted"):
            self.set_redact_pii(kw.get("redact_pii"), kw.get("redact_pii_audio"), kw.get("redact_pii_audio_quality"),
                                kw.get("redact_pii_policies"), kw.get("redact_pii_sub"),
                                redact_audio_options=kw.get("redact_pii_audio_options"),
                                return_unredacted=kw.get("redact_pii_return_unredacted"))
        if given("speaker_labels", "speakers_expected", "speaker_options"):
            self.set_speaker_diarization(kw.get("speaker_labels"), kw.get("speakers_expected"),
                                         kw.get("speaker_options"))
        if given("content_safety", "content_safety_confidence"):
            self.set_content_safety(kw.get("content_safety"), kw.get("content_safety_confidence"))
        simple("iab_categories")
        if kw.get("custom_spelling") is not None:
            self.set_custom_spelling(kw["custom_spelling"], override=True)
        simple("disfluencies", "sentiment_analysis", "auto_chapters", "entity_detection")
        if given("summarization", "summary_model", "summary_type"):
            self.set_summarize(kw.get("summarization"), kw.get("summary_model"), kw.get("summary_type"))
        simple("auto_highlights", "language_detection", "language_confidence_threshold",
               "language_detection_options", "speech_threshold", "speech_model", "speech_models", "prompt",
               "temperature", "remove_audio_tags", "keyterms_prompt", "keyterms_prompt_options",
               "speech_understanding", "domain", "topics", "custom_topics")

    @property
    def raw(self) -> RawTranscriptionConfig:
        """The fields as sent; set unknown fields here."""
        return self._raw

    def _get(self, key: str) -> Any:
        return self._raw.dict().get(key)

    def _set(self, key: str, value: Any) -> None:
        self._raw._set_checked(key, value)

    def _call(self, status: int) -> None:
        _ffi.check(status, _INVALID)

    def validate(self) -> None:
        """Checks the rules that span fields, as submitting does (raises InvalidArgumentError)."""
        self._raw.validate()

    # -- the official SDK's helpers -----------------------------------------------------

    def set_casing_and_formatting(self: _T, enable: bool = True) -> _T:
        """Enable or disable Automatic Punctuation and Text Formatting together."""
        self._call(lib.aai_config_set_casing_and_formatting(self._raw._handle.ptr, 1 if enable else 0))
        return self

    def set_speaker_diarization(self: _T, enable: Optional[bool] = True, speakers_expected: Optional[int] = None,
                                speaker_options: Optional[Union[SpeakerOptions, Mapping[str, Any]]] = None) -> _T:
        """Speaker Diarization, with the number of speakers expected and speaker options.
        ``enable=False`` removes all three; ``enable=None`` sets only the values given."""
        if enable is False:
            for key in ("speaker_labels", "speakers_expected", "speaker_options"):
                self._set(key, None)
            return self
        if enable is True and isinstance(speakers_expected, int) and not isinstance(speakers_expected, bool) \
                and 1 <= speakers_expected < 2**31:
            self._call(lib.aai_config_set_speaker_diarization(self._raw._handle.ptr, 1, speakers_expected))
        else:
            if speakers_expected is not None:
                self._set("speakers_expected", speakers_expected)
            if enable is True:
                self._set("speaker_labels", True)
        if speaker_options is not None:
            self._set("speaker_options", speaker_options)
        return self

    def set_webhook(self: _T, url: Optional[str], auth_header_name: Optional[str] = None,
                    auth_header_value: Optional[str] = None) -> _T:
        """A webhook called on completion, optionally with an auth header (name and value).
        ``url=None`` removes the webhook fields."""
        ptr = self._raw._handle.ptr
        if url is None:
            self._call(lib.aai_config_set_webhook(ptr, None, None, None))
        elif auth_header_name and auth_header_value:
            self._call(lib.aai_config_set_webhook(ptr, _ffi.encode(url, "url"),
                                                  _ffi.encode(auth_header_name, "auth_header_name"),
                                                  _ffi.encode(auth_header_value, "auth_header_value")))
        else:
            self._set("webhook_url", url)
        return self

    def set_audio_slice(self: _T, start: Optional[int] = None, end: Optional[int] = None) -> _T:
        """Transcribe only from ``start`` to ``end`` (milliseconds; None leaves that end open).
        ``end`` must be after ``start``."""
        for name, value in (("start", start), ("end", end)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"set_audio_slice: {name} must be an int (milliseconds) or None")
        self._call(lib.aai_config_set_audio_slice(self._raw._handle.ptr, -1 if start is None else start,
                                                  -1 if end is None else end))
        return self

    def set_word_boost(self: _T, words: Sequence[str],
                       boost: Optional[Union[str, WordBoost]] = WordBoost.default) -> _T:
        """Boost custom vocabulary, with a boost weight; an empty list removes word boost."""
        array, count = _c_strings(list(words or []), "word_boost")
        b = None if boost is None else _ffi.encode(_plain(boost), "boost_param")
        self._call(lib.aai_config_set_word_boost(self._raw._handle.ptr, array, count, b))
        return self

    def set_redact_pii(
        self: _T,
        enable: Optional[bool] = True,
        redact_audio: Optional[bool] = None,
        redact_audio_quality: Optional[Union[str, PIIRedactedAudioQuality]] = None,
        policies: Optional[Sequence[Union[str, PIIRedactionPolicy]]] = None,
        substitution: Optional[Union[str, PIISubstitutionPolicy]] = None,
        *,
        redact_audio_options: Optional[Union[RedactPiiAudioOptions, Mapping[str, Any]]] = None,
        return_unredacted: Optional[bool] = None,
    ) -> _T:
        """PII Redaction with its policies (at least one), substitution and redacted audio.
        ``enable=False`` removes every redaction field."""
        ptr = self._raw._handle.ptr
        if return_unredacted is not None and not isinstance(return_unredacted, bool):
            raise TypeError(f"redact_pii_return_unredacted must be a bool, not {type(return_unredacted).__name__}")
        if not enable:
            self._call(lib.aai_config_set_redact_pii(ptr, 0, None, 0, None, -1, None))
            self._set("redact_pii_audio_options", None)
            self._set("redact_pii_return_unredacted", None)
            return self
        if not policies:
            raise errors.InvalidArgumentError("You must provide at least one PII redaction policy.")
        array, count = _c_strings(list(policies), "policies")
        self._call(lib.aai_config_set_redact_pii(
            ptr, 1, array, count,
            None if substitution is None else _ffi.encode(_plain(substitution), "substitution"),
            -1 if redact_audio is None else (1 if redact_audio else 0),
            None if redact_audio_quality is None else _ffi.encode(_plain(redact_audio_quality), "redact_audio_quality")))
        self._set("redact_pii_audio_options", redact_audio_options)
        self._set("redact_pii_return_unredacted", return_unredacted)
        return self

    def set_content_safety(self: _T, enable: Optional[bool] = True,
                           content_safety_confidence: Optional[int] = None) -> _T:
        """Content Safety Detection, with the minimum confidence of a label (25 to 100)."""
        if not enable:
            self._set("content_safety", None)
            self._set("content_safety_confidence", None)
            return self
        c = content_safety_confidence
        if c is None or (isinstance(c, int) and not isinstance(c, bool) and c != 0 and -2**31 <= c < 2**31):
            self._call(lib.aai_config_set_content_safety(self._raw._handle.ptr, 1, c or 0))
        else:  # 0 or another type: the typed setter judges it
            self._set("content_safety_confidence", c)
            self._set("content_safety", True)
        return self

    def set_summarize(self: _T, enable: Optional[bool] = True,
                      model: Optional[Union[str, SummarizationModel]] = None,
                      type: Optional[Union[str, SummarizationType]] = None) -> _T:
        """Summarization with its model and type. Needs punctuate and format_text not disabled."""
        ptr = self._raw._handle.ptr
        if not enable:
            self._call(lib.aai_config_set_summarization(ptr, 0, None, None))
            return self
        if self.punctuate is False:
            raise errors.InvalidArgumentError("If `summarization` is enabled, then `punctuate` must not be disabled")
        if self.format_text is False:
            raise errors.InvalidArgumentError("If `summarization` is enabled, then `format_text` must not be disabled")
        self._call(lib.aai_config_set_summarization(
            ptr, 1, None if model is None else _ffi.encode(_plain(model), "model"),
            None if type is None else _ffi.encode(_plain(type), "type")))
        return self

    def set_custom_spelling(self: _T, replacement: Optional[Mapping[str, Union[str, Sequence[str]]]],
                            override: bool = True) -> _T:
        """Customize how words are spelled: ``{"to": "from" or ["from", ...]}``. With
        ``override=False`` the rules are added to the existing ones; None removes them all."""
        ptr = self._raw._handle.ptr
        if replacement is None:
            self._set("custom_spelling", None)
            return self
        if not isinstance(replacement, Mapping):
            self._set("custom_spelling", list(replacement))  # already in the API's form
            return self
        rules = []
        for to, from_ in replacement.items():
            words = [from_] if isinstance(from_, str) else list(from_)
            rules.append((_c_strings(words, "custom_spelling from"), _ffi.encode(to, "custom_spelling to")))
        if override:
            self._set("custom_spelling", None)
        for (array, count), to_bytes in rules:
            self._call(lib.aai_config_add_custom_spelling(ptr, array, count, to_bytes))
        return self

    def set_language_detection(
        self: _T,
        enable: Optional[bool] = True,
        confidence_threshold: Optional[float] = None,
        expected_languages: Optional[List[str]] = None,
        fallback_language: Optional[str] = None,
        on_low_language_confidence: Optional[str] = None,
    ) -> _T:
        """Automatic Language Detection with its options (1.x)."""
        if not enable:
            for key in ("language_detection", "language_confidence_threshold", "language_detection_options"):
                self._set(key, None)
            return self
        self._set("language_confidence_threshold", confidence_threshold)
        self._set("language_detection", True)
        if expected_languages or fallback_language or on_low_language_confidence:
            self._set("language_detection_options", LanguageDetectionOptions(
                expected_languages=expected_languages, fallback_language=fallback_language,
                on_low_language_confidence=on_low_language_confidence))
        return self

    # -- plumbing -----------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        prop = getattr(type(self), name, None)
        if isinstance(prop, property) and prop.fset is not None:
            prop.fset(self, value)
            return
        raise AttributeError(
            f"TranscriptionConfig has no field {name!r} (set unknown fields through config.raw)"
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TranscriptionConfig):
            return self._raw == other._raw
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TranscriptionConfig({self._raw.json()})"


def _field_property(key: str) -> property:
    def fget(self: TranscriptionConfig) -> Any:
        return self._get(key)

    def fset(self: TranscriptionConfig, value: Any) -> None:
        self._set(key, value)

    return property(fget, fset, doc=f"The request field {key!r} (None: not set).")


def _custom_spelling_get(self: TranscriptionConfig) -> Optional[Dict[str, Union[str, List[str]]]]:
    value = self._get("custom_spelling")
    if not value:
        return None
    out: Dict[str, Union[str, List[str]]] = {}
    for item in value:
        if isinstance(item, Mapping):
            to = item.get("to")
            if not isinstance(to, str):
                raise ValueError("`to` argument must be a string!")
            out[to] = item.get("from")  # type: ignore[assignment]
    return out or None


def _custom_spelling_set(self: TranscriptionConfig, value: Any) -> None:
    self.set_custom_spelling(value)


def _auto_chapters_set(self: TranscriptionConfig, enable: Optional[bool]) -> None:
    if enable and self.punctuate is False:
        raise errors.InvalidArgumentError("If `auto_chapters` is enabled, then `punctuate` must not be disabled")
    self._set("auto_chapters", enable)


for _name, _key in CONFIG_FIELDS.items():
    setattr(TranscriptionConfig, _name, _field_property(_key))
TranscriptionConfig.custom_spelling = property(  # type: ignore[assignment]
    _custom_spelling_get, _custom_spelling_set,
    doc="Custom spellings as {to: from}, as in the official SDK (the API's list is in config.raw).",
)
TranscriptionConfig.auto_chapters = property(  # type: ignore[assignment]
    lambda self: self._get("auto_chapters"), _auto_chapters_set, doc="Enable Auto Chapters.")
del _name, _key
