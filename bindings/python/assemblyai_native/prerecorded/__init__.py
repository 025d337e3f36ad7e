"""Pre-recorded transcription: ``prerecorded.v2`` is the v2 transcript API (as in the official SDK 1.8.2)."""
