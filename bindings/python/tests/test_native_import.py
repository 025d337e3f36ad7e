"""What importing does and defers (issue #9, import time): the optional modules, the stdlib
modules only some calls need, and each C function's declaration wait for first use; and the
models' __init__, __repr__ and __eq__ (built by _model.model) are those @dataclass writes."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

from native_testenv import PACKAGE_ROOT

import assemblyai_native as aai
from assemblyai_native import _model, llm_gateway, realtime, types

# Not imported by `import assemblyai_native` (each costs from 1 to 10 ms): the modules on first
# access to their names, concurrent.futures by the first thread pool, the rest by calls that need them.
ON_ACCESS = ["assemblyai_native.realtime", "assemblyai_native.lemur", "assemblyai_native.llm_gateway",
             "assemblyai_native.extras", "assemblyai_native._streaming", "concurrent.futures"]
NOT_AT_IMPORT = ON_ACCESS + ["ctypes.util", "urllib.parse", "dataclasses", "inspect", "typing"]


def _clean_run(code: str) -> dict:
    # -S: no site hooks (a .pth file may import anything), so sys.modules is the package's doing.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE_ROOT)}
    if os.environ.get("ASSEMBLYAI_NATIVE_LIB"):  # else a bundled copy
        env["ASSEMBLYAI_NATIVE_LIB"] = os.environ["ASSEMBLYAI_NATIVE_LIB"]
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
    assert [m for m in NOT_AT_IMPORT if m in out["before"]] == []
    assert [m for m in ON_ACCESS if m not in out["after"]] == []
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


def _as_dataclass(cls: type, copies: Dict[type, type]) -> type:
    """cls remade by the real @dataclass, from the same class body (annotations, defaults,
    field() options), over its bases remade the same way: what @model must equal."""
    if cls not in copies:
        bases = tuple(_as_dataclass(b, copies) if "__model_fields__" in vars(b) else b for b in cls.__bases__)
        spec = {f.name: f for f in _model.fields(cls)}
        ns: Dict[str, Any] = {"__annotations__": dict(vars(cls).get("__annotations__", {})),
                              "__qualname__": cls.__qualname__, "__module__": cls.__module__}
        for name in ns["__annotations__"]:
            f = spec[name]
            options: Dict[str, Any] = {"repr": f.repr, "compare": f.compare}
            if f.default_factory is not _model.MISSING:
                options["default_factory"] = f.default_factory
            elif f.default is not _model.MISSING:
                options["default"] = f.default
            ns[name] = dataclasses.field(**options)
        copies[cls] = dataclasses.dataclass(type(cls.__name__, bases, ns))
    return copies[cls]


def _models() -> List[type]:
    return [cls for module in (types, realtime, llm_gateway) for cls in vars(module).values()
            if isinstance(cls, type) and "__model_fields__" in vars(cls) and cls.__module__.startswith(module.__name__)]


def test_models_are_built_as_dataclass_would_build_them() -> None:
    """__init__ (order, defaults, fresh default_factory values), __match_args__, __repr__,
    __eq__ and the unhashability, against the real @dataclass on the same class bodies."""
    copies: Dict[type, type] = {}
    models = _models()
    assert len(models) >= 50
    for cls in models:
        ref = _as_dataclass(cls, copies)
        params = list(inspect.signature(ref).parameters.values())
        required = [p.name for p in params if p.default is inspect.Parameter.empty]
        names = [p.name for p in params]
        assert list(inspect.signature(cls).parameters) in (names, ["args", "kwargs"]), cls  # before/after first use
        for args in ([f"v{i}" for i in range(len(required))], [f"v{i}" for i in range(len(names))]):
            ours, theirs = cls(*args), ref(*args)
            assert list(inspect.signature(cls).parameters) == names
            assert repr(ours) == repr(theirs)
            assert _model.fields(cls) and [getattr(ours, n) for n in names] == [getattr(theirs, n) for n in names]
            assert ours == cls(*args) and ours != ref(*args)  # another class is never equal
            for name in names:  # unequal after a change iff the field is compared
                changed, ref_changed = cls(*args), ref(*args)
                setattr(changed, name, "other")
                setattr(ref_changed, name, "other")
                assert (ours == changed) == (theirs == ref_changed), (cls, name)
        assert cls.__match_args__ == ref.__match_args__, cls
        assert cls.__hash__ is None, cls
    utterance, other = types.Utterance("a", 1, 2, 0.5), types.Utterance("a", 1, 2, 0.5)
    assert utterance.words == [] and utterance.words is not other.words  # a fresh list each


# The package's layers, bottom first: a module imports (at module level) only from its own
# layer or below. Lazy imports inside functions and TYPE_CHECKING imports do not count.
LAYERS = [
    {"__version__", "_abi", "_model", "errors"},                    # no library, no I/O
    {"_ffi"},                                                        # ctypes: loading, statuses
    {"_settings", "_futures", "_pools", "_defaults"},                             # client settings, completion plumbing
    {"types", "_arrays", "_audio_input", "_streaming"},              # models and conversions
]


def _module_imports(path: Path, package: str) -> set:
    tree = ast.parse(path.read_text())
    found = set()
    for node in tree.body:  # module level only
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
            names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            found.update(names)
    return found


def test_imports_run_one_way() -> None:
    root = Path(aai.__file__).parent
    graph: Dict[str, set] = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        graph[name] = {t for t in _module_imports(path, package) if t.startswith("assemblyai_native")}

    def top(module: str) -> str:
        return module.split(".")[1] if "." in module else ""

    def layer(module: str) -> int:
        return next((i for i, names in enumerate(LAYERS) if top(module) in names), len(LAYERS))

    upward = [(m, t) for m, targets in graph.items() for t in targets
              if top(m) and top(t) and top(m) != top(t) and layer(t) > layer(m)]
    assert upward == [], f"imports from a higher layer: {upward}"
    # No cycle among the modules (the package's own __init__ re-exports and is left out).
    state: Dict[str, int] = {}

    def visit(m: str, path: List[str]) -> None:
        if state.get(m) == 2:
            return
        assert state.get(m) != 1, f"import cycle: {' -> '.join(path + [m])}"
        state[m] = 1
        for t in graph.get(m, ()):
            if t != "assemblyai_native" and t in graph and not m.startswith(t + "."):
                visit(t, path + [m])
        state[m] = 2

    for m in graph:
        if m != "assemblyai_native":
            visit(m, [])


def test_private_names_come_from_private_modules() -> None:
    """A helper shared between modules lives in a private module (``_arrays``, ``_pools``,
    ``types._base``, ...), not inside a public one that other public modules then reach into."""
    root = Path(aai.__file__).parent
    reached = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module:
                last = node.module.split(".")[-1]
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                if private and not last.startswith("_"):
                    reached.append(f"{path.relative_to(root)}: {private} from .{node.module}")
    assert reached == [], "\n".join(reached)
