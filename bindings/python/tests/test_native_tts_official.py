"""The official SDK 1.8.2 against the local server, beside this binding: its README's TTS examples
(official/tts_readme_examples.py) run unchanged through both, print the same lines, and send the
same requests (method, path, JSON body; the WebSocket query). Needs a Python with the official
`assemblyai` 1.8.2: $AAI_OFFICIAL_PYTHON (skipped without it), e.g.
    python3 -m venv /tmp/venv-aai182 && /tmp/venv-aai182/bin/pip install assemblyai==1.8.2
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from native_testenv import API_KEY, PACKAGE_ROOT

SCRIPT = Path(__file__).parent / "official" / "tts_readme_examples.py"
OFFICIAL = os.environ.get("AAI_OFFICIAL_PYTHON")


def _run(python: str, native: bool, url: str, tmp: Path) -> str:
    env = dict(os.environ, ASSEMBLYAI_API_KEY=API_KEY, AAI_TTS_URL=url)
    if native:
        env["AAI_AS_NATIVE"] = "1"
        env["PYTHONPATH"] = str(PACKAGE_ROOT)
    out = subprocess.run([python, str(SCRIPT), str(tmp)], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _tts_requests(srv: Any) -> List[Dict[str, Any]]:
    out = []
    for r in srv.requests():
        if r.get("path", "").startswith(("/v1/speech", "/v1/ws")):
            out.append({"method": r["method"], "path": r["path"], "query": r.get("query", ""), "body": r.get("body")})
    return out


@pytest.mark.skipif(not OFFICIAL, reason="set AAI_OFFICIAL_PYTHON to a Python with assemblyai==1.8.2")
def test_official_readme_examples_and_same_requests(server: Any, tmp_path: Path) -> None:
    server.call("DELETE", "/_local/requests")
    official_out = _run(OFFICIAL or "", False, server.base_url, tmp_path)
    official = _tts_requests(server)
    server.call("DELETE", "/_local/requests")
    native_out = _run(sys.executable, True, server.base_url, tmp_path)
    native = _tts_requests(server)
    # The same lines, but for the clip's duration: espeak-ng's length varies by a few ms per run.
    def masked(out: str) -> str:
        return re.sub(r" \d+ ms$", " N ms", out, flags=re.M)

    assert masked(official_out) == masked(native_out)
    assert "422 voice_not_found voice_id True" in native_out
    assert official == native
