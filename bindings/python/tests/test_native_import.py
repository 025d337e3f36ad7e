"""What importing does and defers (issue #9, import time): the optional modules, the stdlib
modules only some calls need, and each C function's declaration wait for first use; and the
models' generic __repr__/__eq__ answer as @dataclass's own would."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import subprocess
import sys

from native_testenv import PACKAGE_ROOT

import assemblyai_native as aai
from assemblyai_native import _ffi, llm_gateway, realtime, types

# Not imported by `import assemblyai_native` (each costs a few ms), but on first use.
DEFERRED = ["assemblyai_native.realtime", "assemblyai_native.lemur", "assemblyai_native.llm_gateway",
            "assemblyai_native.extras", "assemblyai_native._streaming", "concurrent.futures", "ctypes.util",
            "urllib.parse"]


def _clean_run(code: str) -> dict:
    # -S: no site hooks (a .pth file may import anything), so sys.modules is the package's doing.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE_ROOT),
           "ASSEMBLYAI_NATIVE_LIB": os.environ["ASSEMBLYAI_NATIVE_LIB"]}
    result = subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_defers_optional_modules_and_declarations() -> None:
    out = _clean_run(
        "import json, sys\n"
        "import assemblyai_native as aai\n"
        "lib = aai._ffi.lib\n"
        "before = sorted(m for m in sys.modules)\n"
        "declared = sorted(n for n in vars(lib) if n.startswith('aai_'))\n"
        "fn = lib.aai_transcript_words\n"
        "ok = fn.argtypes is not None and vars(lib)['aai_transcript_words'] is fn\n"
        "aai.RealtimeTranscriber, aai.Lemur, aai.LLMGateway, aai.extras\n"
        "aai.Transcriber(max_workers=1)\n"
        "print(json.dumps({'before': before, 'declared': declared, 'ok': ok, 'after': sorted(sys.modules)}))\n"
    )
    assert [m for m in DEFERRED if m in out["before"]] == []
    assert [m for m in DEFERRED if m not in out["after"] and m not in ("ctypes.util", "urllib.parse")] == []
    assert out["declared"] == ["aai_version"]  # the version check's, nothing else
    assert out["ok"]


def test_every_public_name_resolves() -> None:
    namespace: dict = {}
    exec("from assemblyai_native import *", namespace)
    missing = [n for n in aai.__all__ if n not in namespace]
    assert missing == []
    assert namespace["RealtimeTranscriber"] is realtime.RealtimeTranscriber
    assert namespace["LLMGatewayResponse"] is llm_gateway.LLMGatewayResponse
    assert set(aai.__all__) <= set(dir(aai))
    try:
        aai.NoSuchName  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchName" in str(exc)
    else:
        raise AssertionError("aai.NoSuchName resolved")


def test_models_repr_and_eq_are_those_of_dataclass() -> None:
    checked = 0
    for module in (types, realtime, llm_gateway):
        for name, cls in vars(module).items():
            if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__):
                continue
            assert issubclass(cls, types._Model), name  # else repr=False, eq=False would lose them
            assert cls.__hash__ is None, name
            ref = dataclasses.dataclass(type(name, (cls,), {}))  # the methods @dataclass writes
            ref.__qualname__ = cls.__qualname__
            counter = itertools.count()
            args = {f.name: f"v{next(counter)}" for f in dataclasses.fields(cls) if f.init}
            assert repr(cls(**args)) == repr(ref(**args))
            assert cls(**args) == cls(**args)
            for f in dataclasses.fields(cls):  # unequal after a change iff the field is compared
                changed, ref_changed = cls(**args), ref(**args)
                setattr(changed, f.name, "other")
                setattr(ref_changed, f.name, "other")
                assert (cls(**args) == changed) == (ref(**args) == ref_changed), (name, f.name)
            checked += 1
    assert checked >= 50
    word = types.Word("a", 1, 2, 0.5)
    assert word != types.UtteranceWord("a", 1, 2, 0.5)  # another class is never equal, as with @dataclass
    assert word != ("a", 1, 2, 0.5, None, None)
