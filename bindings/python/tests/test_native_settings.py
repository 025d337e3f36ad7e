"""Settings (no server needed)."""

from __future__ import annotations

import pytest

import assemblyai_native as aai


@pytest.fixture
def restore_settings():
    saved = aai.settings.dict()
    yield
    for key, value in saved.items():
        setattr(aai.settings, key, value)


def test_defaults() -> None:
    s = aai.Settings(api_key=None)
    assert s.base_url in ("https://api.assemblyai.com",) or s.base_url  # env may override
    assert s.http_timeout > 0 and s.polling_interval > 0


def test_invalid_values_raise_and_change_nothing(restore_settings) -> None:
    aai.settings.base_url = "http://127.0.0.1:1"
    with pytest.raises(aai.InvalidArgumentError) as info:
        aai.settings.base_url = "http://example.com"
    assert isinstance(info.value, ValueError)
    assert aai.settings.base_url == "http://127.0.0.1:1"
    with pytest.raises(ValueError):
        aai.settings.polling_interval = 0
    with pytest.raises(ValueError):
        aai.settings.http_timeout = -1
    with pytest.raises(TypeError):
        aai.settings.polling_interval = "fast"
    with pytest.raises(AttributeError):
        aai.settings.no_such_setting = 1


def test_repr_hides_the_api_key(restore_settings) -> None:
    aai.settings.api_key = "super-secret-key-123"
    assert "super-secret-key-123" not in repr(aai.settings)
    assert "super-secret-key-123" not in str(aai.settings)


def test_missing_api_key_is_reported_when_calling(restore_settings) -> None:
    aai.settings.api_key = None
    t = aai.Transcriber()  # constructing is fine
    with pytest.raises(ValueError, match="API key"):
        t.submit("https://example.org/audio.mp3")


def test_connection_failure_is_a_retryable_transcript_error(restore_settings) -> None:
    # Nothing listens on port 1; no retries would help, but the error says it could.
    aai.settings.api_key = "secret-key-for-connection-test"
    aai.settings.base_url = "http://127.0.0.1:1"
    aai.settings.http_timeout = 5
    with pytest.raises(aai.TranscriptError) as info:
        aai.Transcript.get_by_id("abc")
    err = info.value
    assert err.status == "AAI_ERR_CONNECTION"
    assert err.status_code is None
    assert err.retryable is True
    assert "secret-key-for-connection-test" not in str(err) and "secret-key-for-connection-test" not in repr(err)
