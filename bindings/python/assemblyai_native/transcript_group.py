"""TranscriptGroup, mirroring the official SDK's ``assemblyai.TranscriptGroup``."""

from __future__ import annotations

from . import _futures, errors
from .types import TranscriptStatus
from .transcript import Transcript

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any, Iterator, List, Optional, Sequence, Union, cast

    from .lemur import Lemur
else:
    def cast(_type: str, value: object) -> object:  # typing.cast
        return value


# --------------------------------------------------------------------------------------
# TranscriptGroup
# --------------------------------------------------------------------------------------


class TranscriptGroup:
    """A group of transcripts, as in the official SDK (for LeMUR over several transcripts,
    and ``Transcriber.transcribe_group``)."""

    def __init__(self, transcript_ids: Sequence[str] = (), client: Any = None) -> None:
        if client is not None:
            raise NotImplementedError("assemblyai_native has no Client objects yet: use aai.settings")
        self._transcripts: List[Transcript] = []
        for tid in transcript_ids:
            self.add_transcript(tid)

    @property
    def transcripts(self) -> List[Transcript]:
        "The transcripts of the group"
        return self._transcripts

    @property
    def transcript_ids(self) -> List[str]:
        if any(t.id is None for t in self._transcripts):
            raise ValueError("All transcripts must have a transcript ID.")
        return [cast("str", t.id) for t in self._transcripts]

    def __iter__(self) -> Iterator[Transcript]:
        return iter(self._transcripts)

    def __len__(self) -> int:
        return len(self._transcripts)

    def add_transcript(self, transcript: Union[Transcript, str]) -> "TranscriptGroup":
        """Adds a Transcript, or a transcript id."""
        if isinstance(transcript, Transcript):
            self._transcripts.append(transcript)
        elif isinstance(transcript, str):
            self._transcripts.append(Transcript(transcript_id=transcript))
        else:
            raise TypeError("Unsupported type for `transcript`")
        return self

    @property
    def status(self) -> TranscriptStatus:
        """error if any transcript failed, else queued or processing while any is, else completed."""
        statuses = {t.status for t in self._transcripts}
        for s in (TranscriptStatus.error, TranscriptStatus.queued, TranscriptStatus.processing):
            if s in statuses:
                return s
        if all(s == TranscriptStatus.completed for s in statuses):
            return TranscriptStatus.completed
        raise ValueError(f"Unexpected status type: {statuses}")

    @property
    def lemur(self) -> "Lemur":
        """LeMUR on every transcript of the group."""
        from .lemur import Lemur, LemurSource

        return Lemur(sources=[LemurSource(t) for t in self._transcripts])

    @classmethod
    def get_by_ids(cls, transcript_ids: Sequence[str]) -> "TranscriptGroup":
        """Fetches existing transcripts, waiting until each is completed or failed."""
        return cast("TranscriptGroup", cls(transcript_ids=transcript_ids).wait_for_completion())

    @classmethod
    def get_by_ids_async(cls, transcript_ids: Sequence[str]) -> "concurrent.futures.Future[TranscriptGroup]":
        return cls(transcript_ids=transcript_ids).wait_for_completion_async()

    def wait_for_completion(self, return_failures: Optional[bool] = False) -> Any:
        """Waits for every transcript. A transcript that cannot be fetched (HTTP error) is
        dropped from the group (as in the official SDK); with ``return_failures=True`` the
        errors are returned too, as ``(group, [errors])``."""
        return _futures.result(self.wait_for_completion_async(return_failures))

    def wait_for_completion_async(self, return_failures: Optional[bool] = False) -> "concurrent.futures.Future[Any]":
        """Every transcript's wait through the library's non-blocking wait, all at once."""
        items = [t.wait_for_completion_async() for t in self._transcripts]

        def combine(done: List[Any]) -> Any:
            kept: List[Transcript] = []
            failures: List[errors.AssemblyAIError] = []
            for future in done:
                try:
                    kept.append(future.result())
                except errors.TranscriptError as exc:
                    failures.append(exc)
            self._transcripts = kept
            return (self, failures) if return_failures else self

        return _futures.gather(items, combine)

    def __repr__(self) -> str:
        return f"<TranscriptGroup ids={[t.id for t in self._transcripts]!r}>"
