"""Exceptions raised by assemblyai_native.

Every exception the library reports is an :class:`AssemblyAIError` (as in the official SDK),
carrying what libassemblyai said about the failure. Failures with a local cause also derive
from the matching Python built-in, so code written against the official SDK that catches
``ValueError`` or ``FileNotFoundError`` keeps working.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, List, Optional

    from .transcript import Transcript


class AssemblyAIError(Exception):
    """Base exception for all AssemblyAI errors.

    Attributes:
        status_code: the HTTP status of the answer that caused the failure, or None when
            the failure did not come from an HTTP answer (as in the official SDK).
        server_text: the server's own error text, or None.
        retryable: True when retrying the same call could succeed (connection failure,
            timeout, HTTP 429 or 5xx).
        status: the libassemblyai status name, e.g. ``"AAI_ERR_AUTH"`` (None when the error
            was raised by the binding itself).
        transcript: the transcript as last seen, when the failing call had made or fetched
            one (``transcribe()`` whose wait failed, a polling deadline passed), and always
            the Transcript a failed ``wait_for_completion()`` waited for (so
            ``transcribe_group(..., return_failures=True)`` keeps the ids); else None.
    """

    def __init__(
        self,
        message: str,
        status_code: Optional[int] = None,
        *,
        server_text: Optional[str] = None,
        retryable: bool = False,
        status: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.server_text = server_text
        self.retryable = retryable
        self.status = status
        self.transcript: Optional["Transcript"] = None

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        if self.status_code is not None:
            parts.append(f"status_code={self.status_code}")
        if self.status is not None:
            parts.append(f"status={self.status!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.message, self.status_code, self.server_text,
                           self.retryable, self.status))


def _rebuild(cls: "type[AssemblyAIError]", message: str, status_code: Optional[int], server_text: Optional[str],
             retryable: bool, status: Optional[str]) -> AssemblyAIError:
    return cls(message, status_code, server_text=server_text, retryable=retryable, status=status)


class TranscriptError(AssemblyAIError):
    """A transcript operation failed (upload, create, get, wait, delete), as in the official SDK.

    Note: like the official SDK, ``Transcriber.transcribe()`` does not raise when the
    transcript itself ends with status ``error``; it returns that transcript."""


class LemurError(AssemblyAIError):
    """A LeMUR request failed (name kept from the official SDK)."""


class LLMGatewayError(AssemblyAIError):
    """An LLM Gateway request failed.

    Attributes (as in the official SDK 1.8.2, besides AssemblyAIError's):
        request_id: the gateway's request id, for support (None when it sent none).
        errors: the validation messages the gateway sent, or None.
    """

    def __init__(self, message: str, status_code: Optional[int] = None, request_id: Optional[str] = None,
                 errors: Optional[List[str]] = None, **kwargs: Any) -> None:
        super().__init__(message, status_code, **kwargs)
        self.request_id = request_id
        self.errors = errors

    def __reduce__(self) -> Any:
        return (_rebuild_llm, (type(self), self.message, self.status_code, self.request_id, self.errors,
                               self.server_text, self.retryable, self.status))


def _rebuild_llm(cls: "type[LLMGatewayError]", message: str, status_code: Optional[int], request_id: Optional[str],
                 errors: Optional[List[str]], server_text: Optional[str], retryable: bool,
                 status: Optional[str]) -> LLMGatewayError:
    return cls(message, status_code, request_id, errors, server_text=server_text, retryable=retryable, status=status)


class RedactedAudioIncompleteError(AssemblyAIError):
    """The PII-redacted audio is not ready yet (name kept from the official SDK)."""


class RedactedAudioExpiredError(AssemblyAIError):
    """The PII-redacted audio has expired (name kept from the official SDK)."""


class RedactedAudioUnavailableError(AssemblyAIError):
    """The PII-redacted audio is not available (name kept from the official SDK)."""


class InvalidArgumentError(AssemblyAIError, ValueError):
    """A value was rejected (bad setting, malformed config JSON, ...)."""


class NotImplementedByLibraryError(AssemblyAIError, NotImplementedError):
    """The installed libassemblyai does not implement this call yet."""


class AudioFileError(AssemblyAIError, OSError):
    """A local file could not be opened or read."""

    def __init__(self, message: str, status_code: Optional[int] = None, **kwargs: Any) -> None:
        AssemblyAIError.__init__(self, message, status_code, **kwargs)

    def __str__(self) -> str:
        return self.message


class AudioFileNotFoundError(AudioFileError, FileNotFoundError):
    """The local audio file does not exist."""


__all__ = [
    "AssemblyAIError",
    "TranscriptError",
    "LemurError",
    "LLMGatewayError",
    "RedactedAudioIncompleteError",
    "RedactedAudioExpiredError",
    "RedactedAudioUnavailableError",
    "InvalidArgumentError",
    "NotImplementedByLibraryError",
    "AudioFileError",
    "AudioFileNotFoundError",
]
