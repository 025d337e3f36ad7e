"""The Sync API (``assemblyai.sync`` in the official SDK); the product lives in ``sync/v1``."""

from .v1 import SyncTranscriber

__all__ = ["SyncTranscriber"]
