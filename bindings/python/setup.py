"""Bundles libassemblyai into the package, so that `pip install ./bindings/python` installs a
package that works. Everything else is in pyproject.toml.

Which library goes into the wheel (as assemblyai_native/_lib/libassemblyai.so.0):
1. one already in assemblyai_native/_lib/ (build_wheel.sh stages it there);
2. $ASSEMBLYAI_NATIVE_LIB;
3. this repository's build: the newest of build/lib/libassemblyai.so.0 (`make lib`) and
   .build/release/libassemblyai.so;
4. none found and the Swift toolchain is there (`swift` on PATH or /opt/swift/usr/bin): `make lib`
   in the repository, then 3.
With none of these the build stops with what to do, rather than installing a package whose first
call fails. ASSEMBLYAI_NATIVE_SYSTEM_LIB=1 builds a pure-Python wheel on purpose, for systems
where the library is installed (the Debian package libassemblyai0): it then loads the system's.

With a bundled library the wheel is platform-specific (py3-none-<platform>): loaded through
ctypes, it fits any Python 3, but one platform. The tag is the plain linux one, not manylinux:
the library links the system's libcurl, which manylinux does not allow; `build_wheel.sh
--repair` runs auditwheel to vendor it when a portable wheel is wanted."""

import glob
import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py as _build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # the repository, when built from the tree
LIB_DIR = os.path.join(HERE, "assemblyai_native", "_lib")
SONAME = "libassemblyai.so.0"
SWIFT_DIRS = ("/opt/swift/usr/bin",)


def _log(message):
    sys.stderr.write("assemblyai_native setup: " + message + "\n")


def _staged():
    return sorted(glob.glob(os.path.join(LIB_DIR, "libassemblyai.so*")))


def _tree_builds():
    paths = [os.path.join(ROOT, "build", "lib", SONAME), os.path.join(ROOT, ".build", "release", "libassemblyai.so")]
    found = [os.path.realpath(p) for p in paths if os.path.isfile(p)]
    return sorted(found, key=os.path.getmtime, reverse=True)


def _swift_env():
    env = dict(os.environ)
    path = env.get("PATH", "")
    if shutil.which("swift", path=path) is None:
        for d in SWIFT_DIRS:
            if os.path.isfile(os.path.join(d, "swift")):
                env["PATH"] = d + os.pathsep + path
                return env
        return None
    return env


def find_library():
    """The library to bundle (path), None for an intentional pure-Python wheel; raises SystemExit
    with what to do when there is none."""
    if os.environ.get("ASSEMBLYAI_NATIVE_SYSTEM_LIB") == "1":
        return None
    staged = _staged()
    if staged:
        return staged[0]
    env_lib = os.environ.get("ASSEMBLYAI_NATIVE_LIB")
    if env_lib:
        if not os.path.isfile(env_lib):
            raise SystemExit(f"assemblyai_native setup: $ASSEMBLYAI_NATIVE_LIB={env_lib!r} is not a file")
        return os.path.realpath(env_lib)
    builds = _tree_builds()
    if builds:
        return builds[0]
    makefile = os.path.join(ROOT, "Makefile")
    env = _swift_env()
    if os.path.isfile(makefile) and os.path.isdir(os.path.join(ROOT, "Sources", "AssemblyAI")) and env is not None:
        _log(f"no built libassemblyai found: running `make lib` in {ROOT} (a few minutes)")
        subprocess.run(["make", "-C", ROOT, "lib"], check=True, env=env)
        builds = _tree_builds()
        if builds:
            return builds[0]
    raise SystemExit(
        "assemblyai_native setup: no libassemblyai to bundle. Build it first (`make lib` in the "
        "repository root, which needs Swift), or set ASSEMBLYAI_NATIVE_LIB=/path/to/libassemblyai.so.0, "
        "or, with the library installed system-wide (apt install libassemblyai0), set "
        "ASSEMBLYAI_NATIVE_SYSTEM_LIB=1 to build without bundling it.")


LIBRARY = find_library()
if LIBRARY:
    _log(f"bundling {LIBRARY}")


class build_py(_build_py):
    """Copies the package fresh into the build folder, and the library with it (never into the
    source tree)."""

    def run(self):
        # setuptools builds in the tree's build/ and never empties it: a module deleted or moved
        # since the last build would otherwise ship again. Start from the sources each time.
        shutil.rmtree(os.path.join(self.build_lib, "assemblyai_native"), ignore_errors=True)
        super().run()
        if LIBRARY and not _staged():
            target_dir = os.path.join(self.build_lib, "assemblyai_native", "_lib")
            os.makedirs(target_dir, exist_ok=True)
            target = os.path.join(target_dir, SONAME)
            shutil.copyfile(LIBRARY, target)
            os.chmod(target, 0o755)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return bool(LIBRARY)


cmdclass = {"build_py": build_py}
try:
    try:
        from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
    except ImportError:
        from wheel.bdist_wheel import bdist_wheel as _bdist_wheel

    class bdist_wheel(_bdist_wheel):
        def get_tag(self):
            python, abi, plat = super().get_tag()
            if LIBRARY:
                # Loaded through ctypes: any Python 3, no ABI dependence, one platform.
                return "py3", "none", plat
            return python, abi, plat

    cmdclass["bdist_wheel"] = bdist_wheel
except ImportError:
    pass

setup(distclass=BinaryDistribution, cmdclass=cmdclass)
