"""``assemblyai.prerecorded.v2.transcript``'s name: ``Transcript``."""

from ...transcript import Transcript

__all__ = ["Transcript"]
