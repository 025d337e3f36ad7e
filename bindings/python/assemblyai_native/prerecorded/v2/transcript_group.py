"""``assemblyai.prerecorded.v2.transcript_group``'s name: ``TranscriptGroup``."""

from ...transcript_group import TranscriptGroup

__all__ = ["TranscriptGroup"]
