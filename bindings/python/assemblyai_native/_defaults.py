"""The process's default Transcriber, made on first use by the calls that take no transcriber
(``Transcript.get_by_id``, a Transcript made from an id)."""

from __future__ import annotations

import threading

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Optional

    from .transcriber import Transcriber

_default: Optional[Transcriber] = None
_default_lock = threading.Lock()


def default_transcriber() -> Transcriber:
    global _default
    with _default_lock:
        if _default is None:
            from .transcriber import Transcriber  # the API layer above this one: needed only now

            _default = Transcriber()
        return _default
