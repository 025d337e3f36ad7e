"""Paths and environment shared by the assemblyai_native tests (imported by conftest.py
before assemblyai_native, so that the library it loads is the one chosen here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

TESTS_DIR = Path(__file__).resolve().parent
PACKAGE_ROOT = TESTS_DIR.parent  # bindings/python
REPO_ROOT = PACKAGE_ROOT.parent.parent

# tests/security/test_no_key_leak.sh runs the suites with a distinctive key.
API_KEY = os.environ.get("AAI_TEST_API_KEY") or "test-key"


def repo_library() -> Optional[Path]:
    """The repository's newest build of the library: staged by make (build/lib), or
    SwiftPM's .build/release or .build/debug."""
    candidates = [p.resolve() for p in (REPO_ROOT / "build" / "lib" / "libassemblyai.so.0",
                                        REPO_ROOT / ".build" / "release" / "libassemblyai.so",
                                        REPO_ROOT / ".build" / "debug" / "libassemblyai.so") if p.exists()]
    return max(candidates, key=lambda p: p.stat().st_mtime) if candidates else None


if not os.environ.get("ASSEMBLYAI_NATIVE_TEST_INSTALLED"):
    sys.path.insert(0, str(PACKAGE_ROOT))
if not os.environ.get("ASSEMBLYAI_NATIVE_LIB"):
    _lib = repo_library()
    if _lib is not None:
        os.environ["ASSEMBLYAI_NATIVE_LIB"] = str(_lib)

# The local server is started by tests/localserver.py (the helper every Python suite shares):
# $AAI_SERVER_BIN, default build/bin/assemblyai-server.
sys.path.insert(0, str(REPO_ROOT / "tests"))
import localserver  # noqa: E402

SERVER_BIN_EXPLICIT = localserver.bin_explicit()
SERVER_BIN = localserver.server_bin()
MAKE_TEST_WAV = REPO_ROOT / "scripts" / "make-test-wav"
