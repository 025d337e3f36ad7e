"""Settings from the environment, as the official SDK 1.8.2 reads them (ASSEMBLYAI_<FIELD>, any case).

Each case runs a fresh interpreter, because the global settings are read at import."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Dict

import pytest

from native_testenv import API_KEY, PACKAGE_ROOT


def _env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ASSEMBLYAI_")}
    for keep in ("ASSEMBLYAI_NATIVE_LIB", "ASSEMBLYAI_NATIVE_TEST_INSTALLED"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    if not os.environ.get("ASSEMBLYAI_NATIVE_TEST_INSTALLED"):
        env["PYTHONPATH"] = str(PACKAGE_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _run(code: str, env: Dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True,
                          text=True, timeout=60)


def test_every_field_read_from_the_environment() -> None:
    r = _run("""
        import assemblyai_native as aai
        s = aai.settings
        print(s.api_key, s.base_url, s.http_timeout, s.polling_interval,
              s.llm_gateway_base_url, s.llm_gateway_http_timeout)
    """, _env(ASSEMBLYAI_API_KEY="k1", assemblyai_base_url="http://127.0.0.1:9",
              ASSEMBLYAI_HTTP_TIMEOUT="12.5", ASSEMBLYAI_POLLING_INTERVAL="0.25",
              ASSEMBLYAI_LLM_GATEWAY_BASE_URL="http://127.0.0.1:10",
              Assemblyai_Llm_Gateway_Http_Timeout="45"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["k1", "http://127.0.0.1:9", "12.5", "0.25", "http://127.0.0.1:10", "45.0"]


def test_the_sync_dictation_and_tts_fields_come_from_the_same_table() -> None:
    r = _run("""
        import assemblyai_native as aai
        s = aai.settings
        print(s.sync_base_url, s.sync_live_http_timeout, s.dictation_http_timeout, s.tts_base_url,
              s.tts_http_timeout, aai.Settings(tts_http_timeout=5).tts_http_timeout)
    """, _env(ASSEMBLYAI_SYNC_BASE_URL="http://127.0.0.1:11", assemblyai_sync_live_http_timeout="90",
              ASSEMBLYAI_DICTATION_HTTP_TIMEOUT="200", ASSEMBLYAI_TTS_BASE_URL="https://tts.eu.assemblyai.com",
              ASSEMBLYAI_TTS_HTTP_TIMEOUT="7.5"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["http://127.0.0.1:11", "90.0", "200.0", "https://tts.eu.assemblyai.com", "7.5", "5"]


def test_defaults_without_the_environment() -> None:
    r = _run("""
        import assemblyai_native as aai
        s = aai.settings
        print(s.api_key, s.base_url, s.http_timeout, s.polling_interval, s.llm_gateway_base_url)
    """, _env())
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["None", "https://api.assemblyai.com", "30.0", "3.0",
                                "https://llm-gateway.assemblyai.com"]


@pytest.mark.parametrize("name,value", [
    ("ASSEMBLYAI_HTTP_TIMEOUT", "thirty"),
    ("ASSEMBLYAI_POLLING_INTERVAL", "0"),
    ("ASSEMBLYAI_LLM_GATEWAY_HTTP_TIMEOUT", "-3"),
    ("ASSEMBLYAI_SYNC_LIVE_HTTP_TIMEOUT", "soon"),
    ("ASSEMBLYAI_TTS_SYNTHESIZE_HTTP_TIMEOUT", "0"),
])
def test_bad_number_raises_naming_the_variable(name: str, value: str) -> None:
    r = _run("import assemblyai_native", _env(**{name: value}))
    assert r.returncode != 0
    assert "ValueError" in r.stderr and name in r.stderr


@pytest.mark.parametrize("name,value", [
    ("ASSEMBLYAI_BASE_URL", "api.assemblyai.com"),
    ("ASSEMBLYAI_LLM_GATEWAY_BASE_URL", "http://example.com"),
    ("ASSEMBLYAI_MAX_RETRIES", "lots"),           # read by the library's aai_client_new
    ("ASSEMBLYAI_STREAMING_BASE_URL", "ftp://x"),
])
def test_bad_value_fails_the_first_call_not_silently(name: str, value: str) -> None:
    r = _run("""
        import assemblyai_native as aai
        try:
            aai.Transcript.get_by_id("abc")
        except ValueError as e:
            print("ValueError", e)
    """, _env(ASSEMBLYAI_API_KEY="k", **{name: value}))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ValueError"), r.stdout
    if name != "ASSEMBLYAI_LLM_GATEWAY_BASE_URL" and name != "ASSEMBLYAI_BASE_URL":
        assert name in r.stdout


def test_base_url_from_the_environment_reaches_the_local_server(server) -> None:
    r = _run("""
        import assemblyai_native as aai
        try:
            aai.Transcript.get_by_id("no-such-transcript")
        except aai.TranscriptError as e:
            print("status", e.status_code if hasattr(e, "status_code") else "", e)
    """, _env(ASSEMBLYAI_API_KEY=API_KEY, ASSEMBLYAI_BASE_URL=server.base_url))
    assert r.returncode == 0, r.stderr
    # An answer from the local server (which knows the key): not found, not a connection error.
    assert "404" in r.stdout or "not found" in r.stdout.lower(), r.stdout
    assert any(req.get("path", "").endswith("/no-such-transcript") for req in server.requests())
