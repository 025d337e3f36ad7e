#!/usr/bin/env bash
# build_wheel.sh SO_PATH [OUT_DIR]
# Builds a wheel of assemblyai_native that bundles the given libassemblyai.so: the package is
# staged in a temporary copy, the library is copied (symlinks resolved) into
# assemblyai_native/_lib/libassemblyai.so.0 there, and `pip wheel` writes the wheel to OUT_DIR
# (default: bindings/python/dist). The source tree is left untouched.
# Extra pip flags may be given in PIP_WHEEL_FLAGS (e.g. --no-build-isolation when setuptools
# and wheel are installed and no index is reachable).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
so=${1:-}
out=${2:-$here/dist}
python=${PYTHON:-python3}
if [ -z "$so" ] || [ ! -f "$so" ]; then
  echo "usage: $0 PATH/TO/libassemblyai.so [OUT_DIR]" >&2
  [ -n "$so" ] && echo "build_wheel: no such file: $so" >&2
  exit 2
fi
soname=$(readelf -d "$so" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p' || true)
if [ -n "$soname" ] && [ "$soname" != "libassemblyai.so.0" ]; then
  echo "build_wheel: $so has SONAME $soname; this binding speaks libassemblyai.so.0" >&2
  exit 1
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Stage the package sources (not tests, caches or earlier builds).
mkdir -p "$stage/pkg"
cp "$here/pyproject.toml" "$here/setup.py" "$here/README.md" "$stage/pkg/"
cp -r "$here/assemblyai_native" "$stage/pkg/"
find "$stage/pkg" \( -name '__pycache__' -o -name '*.pyc' \) -prune -exec rm -rf {} +
rm -f "$stage/pkg/assemblyai_native/_lib/"libassemblyai.so*
cp -L "$so" "$stage/pkg/assemblyai_native/_lib/libassemblyai.so.0"
chmod 0755 "$stage/pkg/assemblyai_native/_lib/libassemblyai.so.0"
mkdir -p "$out"
# shellcheck disable=SC2086
"$python" -m pip wheel --no-deps ${PIP_WHEEL_FLAGS:-} -w "$out" "$stage/pkg"
ls -1 "$out"/assemblyai_native-*.whl
