"""Loading libassemblyai: version check, declarations, error messages, a clean environment."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from native_testenv import PACKAGE_ROOT, REPO_ROOT

import assemblyai_native as aai
from assemblyai_native import _ffi


def test_version_and_path() -> None:
    assert aai.__version__ == _ffi.AAI_VERSION  # both from the header
    assert re.fullmatch(r"\d+\.\d+\.\d+", aai.library_version)
    assert _ffi.VERSION_NUMBER >= 1000
    major, minor, patch = (int(x) for x in aai.library_version.split("."))
    assert _ffi.VERSION_NUMBER == major * 1000000 + minor * 1000 + patch
    assert aai.library_path


def test_every_header_function_is_declared() -> None:
    header = REPO_ROOT / "include" / "assemblyai.h"
    if not header.exists():
        pytest.skip("include/assemblyai.h not found (package tested outside the repository)")
    text = header.read_text()
    declared = set(re.findall(r"\b(aai_[a-z0-9_]+)\s*\(", text))
    # Callback typedefs such as (*aai_read_callback)( are types, not functions.
    declared -= set(re.findall(r"\(\s*\*\s*(aai_[a-z0-9_]+)\s*\)", text))
    assert declared == set(_ffi.SIGNATURES), (
        f"missing: {sorted(declared - set(_ffi.SIGNATURES))}, extra: {sorted(set(_ffi.SIGNATURES) - declared)}"
    )
    for name in _ffi.SIGNATURES:
        fn = getattr(_ffi.lib, name)
        assert fn.argtypes is not None, name


def test_status_names() -> None:
    assert _ffi.status_name(0) == "AAI_OK"
    assert _ffi.status_name(_ffi.AAI_ERR_TIMEOUT) == "AAI_ERR_TIMEOUT"
    assert _ffi.status_name(12345) == "AAI_ERR_UNKNOWN"


def test_word_struct_layout() -> None:
    # text, start, end, confidence, speaker, channel on a 64-bit target.
    ptr = ctypes.sizeof(ctypes.c_void_p)
    assert _ffi.aai_word.start.offset == ptr
    assert _ffi.aai_word.confidence.offset == ptr + 16
    assert ctypes.sizeof(_ffi.aai_word) == 3 * ptr + 24


def _structs() -> Dict[str, Any]:
    """_ffi's ctypes Structures with fields, by C name (aliases such as aai_segment left out)."""
    return {name: cls for name, cls in vars(_ffi).items()
            if name.startswith("aai_") and isinstance(cls, type) and issubclass(cls, ctypes.Structure)
            and cls.__name__ == name and getattr(cls, "_fields_", None)}


def _layout(cls: Any) -> List[str]:
    """sizeof and every field's offset, inherited fields too (aai_utterance extends aai_word)."""
    fields = [f[0] for klass in reversed(cls.__mro__) if "_fields_" in vars(klass) for f in vars(klass)["_fields_"]]
    return [f"{cls.__name__} {ctypes.sizeof(cls)}"] + [f"{cls.__name__}.{f} {getattr(cls, f).offset}" for f in fields]


def test_struct_layouts_match_the_header(tmp_path: Path) -> None:
    """Each Structure against the C compiler's sizeof/offsetof for the header's struct."""
    cc = shutil.which("cc") or shutil.which("gcc")
    include = REPO_ROOT / "include"
    if cc is None or not (include / "assemblyai.h").exists():
        pytest.skip("no C compiler or no include/assemblyai.h")
    expected = [line for cls in _structs().values() for line in _layout(cls)]
    assert "aai_utterance.text 0" in expected  # inherited fields are compared too
    prints = []
    for line in expected:
        what = line.split()[0]
        if "." in what:
            struct, field = what.split(".")
            prints.append(f'printf("{what} %zu\\n", offsetof({struct}, {field}));')
        else:
            prints.append(f'printf("{what} %zu\\n", sizeof({what}));')
    src = tmp_path / "layout.c"
    src.write_text("#include <stddef.h>\n#include <stdio.h>\n#include \"assemblyai.h\"\n"
                   "int main(void) {\n" + "\n".join(prints) + "\nreturn 0;\n}\n")
    exe = tmp_path / "layout"
    subprocess.run([cc, "-std=c99", "-I", str(include), "-o", str(exe), str(src)], check=True)
    actual = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.splitlines()
    assert actual == expected


def _stub_library(tmp_path: Path, version: str, number: int) -> Tuple[Path, dict]:
    """A libassemblyai.so.0 with only aai_version and aai_version_number, and the environment
    that makes the package load it."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    src = tmp_path / "stub.c"
    src.write_text(f'const char *aai_version(void){{return "{version}";}}\nint aai_version_number(void){{return {number};}}\n')
    so = tmp_path / "libassemblyai.so.0"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(so), str(src)], check=True)
    return so, {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE_ROOT), "ASSEMBLYAI_NATIVE_LIB": str(so)}


def test_missing_function_fails_at_first_use_naming_it(tmp_path: Path) -> None:
    """Functions are declared on first use: a library without one imports, and the call
    that needs it raises NotImplementedByLibraryError naming it."""
    so, env = _stub_library(tmp_path, "0.1.0", 1000)
    code = (
        "import assemblyai_native as aai\n"
        "print(aai.library_version)\n"
        "try:\n"
        "    aai.TranscriptionConfig(punctuate=True)\n"
        "except aai.NotImplementedByLibraryError as e:\n"
        "    print(e)\n"
    )
    result = _run_clean(env, code)
    assert result.returncode == 0, result.stderr
    version, message = result.stdout.strip().splitlines()
    assert version == "0.1.0"
    assert f"the library at {str(so)!r} lacks aai_config_new" in message and "pip install ./bindings/python" in message


def _run_clean(env: dict, code: str, python: str = "/usr/bin/python3") -> subprocess.CompletedProcess:
    if not os.path.exists(python):
        python = sys.executable
    return subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def _library_file() -> Path:
    path = Path(_ffi.LIBRARY_PATH)
    if not path.is_file():
        pytest.skip(f"the loaded library is not a file path: {_ffi.LIBRARY_PATH}")
    return path.resolve()


def test_loads_with_only_its_folder_on_the_path(tmp_path: Path) -> None:
    """As /work/shared/checks/library-shape.sh: no Swift toolchain on the search path."""
    libdir = tmp_path / "lib"
    libdir.mkdir()
    shutil.copy2(_library_file(), libdir / "libassemblyai.so.0")
    os.symlink("libassemblyai.so.0", libdir / "libassemblyai.so")
    env = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": str(libdir), "PYTHONPATH": str(PACKAGE_ROOT)}
    code = (
        "import assemblyai_native as aai\n"
        "c = aai.TranscriptionConfig(punctuate=True)\n"
        "print(aai.library_version, aai.library_path, c.raw.json())\n"
    )
    result = _run_clean(env, code)
    assert result.returncode == 0, result.stderr
    version, path, cfg = result.stdout.split(" ", 2)
    assert version == aai.library_version
    assert cfg.strip() == '{"punctuate":true}'


def test_env_var_names_the_library(tmp_path: Path) -> None:
    libdir = tmp_path / "elsewhere"
    libdir.mkdir()
    target = libdir / "libassemblyai.so.0"
    shutil.copy2(_library_file(), target)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE_ROOT), "ASSEMBLYAI_NATIVE_LIB": str(target)}
    result = _run_clean(env, "import assemblyai_native as aai; print(aai.library_path)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(target)


def test_missing_library_is_an_import_error_that_says_what_to_do(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE_ROOT), "LD_LIBRARY_PATH": str(tmp_path)}
    result = _run_clean(env, "import assemblyai_native")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: assemblyai_native:"), result.stderr
    assert "ASSEMBLYAI_NATIVE_LIB" in last and "pip install ./bindings/python" in last
    assert "ctypes/__init__.py" not in result.stderr  # no ctypes traceback


def test_bad_env_path_is_an_import_error(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE_ROOT),
           "ASSEMBLYAI_NATIVE_LIB": str(tmp_path / "nope.so")}
    result = _run_clean(env, "import assemblyai_native")
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode != 0
    assert last.startswith("ImportError:") and "nope.so" in last, result.stderr


def test_too_old_library_is_rejected(tmp_path: Path) -> None:
    _, env = _stub_library(tmp_path, "0.0.9", 9)
    result = _run_clean(env, "import assemblyai_native")
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode != 0
    assert last.startswith("ImportError:") and "0.0.9" in last and "0.1.0" in last, result.stderr
