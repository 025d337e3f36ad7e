"""A page of the transcript listing (``aai_transcript_list``) as a ListTranscriptResponse: shared by
the threaded Transcriber and the asyncio AsyncTranscriber."""

from __future__ import annotations

from . import _ffi
from ._arrays import _array, _dec
from ._ffi import lib
from .types import ListTranscriptResponse, PageDetails, TranscriptItem, TranscriptStatus
from .types._base import _enum_or_str


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
