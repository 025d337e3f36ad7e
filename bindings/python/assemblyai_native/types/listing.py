"""Listing transcripts: parameters and pages."""

from __future__ import annotations

from .._model import field, model

from .enums import TranscriptStatus
from ._base import _Model

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import List, Optional


# --------------------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------------------


@model
class ListTranscriptParameters(_Model):
    """The filters of ``Transcriber.list_transcripts()``."""

    after_id: Optional[str] = None
    "Get transcripts that were created after this transcript ID"
    before_id: Optional[str] = None
    "Get transcripts that were created before this transcript ID"
    created_on: Optional[str] = None
    "Get only transcripts created on this date (YYYY-MM-DD)"
    limit: Optional[int] = None
    "Maximum amount of transcripts to retrieve. Default is 10"
    status: Optional[TranscriptStatus] = None
    "Filter by transcript status"
    throttled_only: Optional[bool] = None
    "Get only throttled transcripts, overrides the status filter"


@model
class PageDetails(_Model):
    """Details of a page of transcripts."""

    current_url: str
    limit: int
    result_count: int
    next_url: Optional[str] = None
    "The next URL always points to a page with newer transcripts."
    prev_url: Optional[str] = None
    "The previous URL always points to a page with older transcripts."
    _before_id_of_prev_url: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def before_id_of_prev_url(self) -> Optional[str]:
        """The ``before_id`` of ``prev_url``: set it as ``ListTranscriptParameters.before_id``
        to get the next older page (None when there is none)."""
        if self._before_id_of_prev_url is not None or not self.prev_url:
            return self._before_id_of_prev_url
        # A PageDetails built by the caller rather than read from the library.
        from urllib.parse import parse_qs, urlparse  # here, not at import: it costs ~1.5 ms

        values = parse_qs(urlparse(self.prev_url).query).get("before_id")
        return values[0] if values else None


@model
class TranscriptItem(_Model):
    """One transcript of a list page."""

    audio_url: str
    created: str
    id: str
    resource_url: str
    status: TranscriptStatus
    completed: Optional[str] = None
    error: Optional[str] = None


@model
class ListTranscriptResponse(_Model):
    """A page of transcripts, newest first, with its page details."""

    page_details: PageDetails
    transcripts: List[TranscriptItem]
