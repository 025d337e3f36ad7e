"""Streaming speech-to-text: ``assemblyai_native.streaming.v3`` is Universal Streaming v3."""

from . import v3

__all__ = ["v3"]
