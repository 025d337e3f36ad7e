"""Streaming speech-to-text: ``assemblyai_native.streaming.v3`` is Universal Streaming v3.

Every session of the process shares one library I/O thread and a small pool of callback
threads (``set_callback_threads`` and ``set_low_latency`` before the first session connects;
``process_threads`` tells what runs): no thread per session."""

from . import v3
from .._streaming import process_threads, set_callback_threads, set_low_latency

__all__ = ["v3", "process_threads", "set_callback_threads", "set_low_latency"]
