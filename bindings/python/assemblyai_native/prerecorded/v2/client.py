"""``assemblyai.prerecorded.v2.client``'s name: the threaded ``Transcriber``."""

from ...transcriber import Transcriber

__all__ = ["Transcriber"]
