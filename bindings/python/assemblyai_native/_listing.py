"""A page of the transcript listing (``aai_transcript_list``) as a ListTranscriptResponse: shared by
the threaded Transcriber and the asyncio AsyncTranscriber."""

from __future__ import annotations

from . import _ffi, errors
from ._arrays import _array, _dec
from ._ffi import lib
from .types import ListTranscriptParameters, ListTranscriptResponse, PageDetails, TranscriptItem, TranscriptStatus
from .types._base import _enum_or_str, _plain

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: see _model.py
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple


def _list_arguments(params: Optional[ListTranscriptParameters]) -> Tuple[Any, ...]:
    """The arguments after the transcriber of aai_transcriber_list(_async) but the out-parameter:
    limit, status, created_on, before_id, after_id, throttled_only (-1: not set), checked."""
    p = params if params is not None else ListTranscriptParameters()
    if not isinstance(p, ListTranscriptParameters):
        raise TypeError(f"params must be a ListTranscriptParameters, not {type(p).__name__}")

    def opt(value: Any, name: str) -> Optional[bytes]:
        return None if value is None else _ffi.encode(str(_plain(value)), name)

    limit = 0 if p.limit is None else p.limit
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit < 2**31:
        raise errors.InvalidArgumentError(f"list limit must be 1..200, got {p.limit!r}")
    throttled = -1 if p.throttled_only is None else (1 if p.throttled_only else 0)
    return (limit, opt(p.status, "status"), opt(p.created_on, "created_on"), opt(p.before_id, "before_id"),
            opt(p.after_id, "after_id"), throttled)


def _list_page(handle: _ffi.Handle) -> ListTranscriptResponse:
    ptr = handle.ptr
    items = [TranscriptItem(audio_url=_dec(i.audio_url) or "", created=_dec(i.created) or "", id=_dec(i.id) or "",
                            resource_url=_dec(i.resource_url) or "",
                            status=_enum_or_str(TranscriptStatus, _dec(i.status)),
                            completed=_dec(i.completed), error=_dec(i.error))
             for i in _array(lib.aai_transcript_list_items, ptr, _ffi.aai_transcript_list_item)]
    details = PageDetails(current_url=_dec(lib.aai_transcript_list_current_url(ptr)) or "",
                          limit=int(lib.aai_transcript_list_limit(ptr)),
                          result_count=int(lib.aai_transcript_list_result_count(ptr)),
                          next_url=_dec(lib.aai_transcript_list_next_url(ptr)),
                          prev_url=_dec(lib.aai_transcript_list_prev_url(ptr)),
                          _before_id_of_prev_url=_dec(lib.aai_transcript_list_before_id_of_prev_url(ptr)))
    return ListTranscriptResponse(page_details=details, transcripts=items)
