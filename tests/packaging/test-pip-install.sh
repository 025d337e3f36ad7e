#!/usr/bin/env bash
# `pip install ./bindings/python` as a new user runs it: into a fresh virtualenv, from a clean
# environment (no ASSEMBLYAI_NATIVE_LIB), then a transcription of examples/audio/hello.wav
# against the local server from outside the repository, pointed at it only by ASSEMBLYAI_BASE_URL.
# Checks that the installed package loads the library bundled in it and that the wheel is
# platform-tagged. Needs the staged build (make lib server) and PyPI for pip's build isolation.
#   make lib server && tests/packaging/test-pip-install.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
passed=0; failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAILED: $1"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

server_bin=${AAI_SERVER_BIN:-$root/build/bin/assemblyai-server}
[ -x "$server_bin" ] || { bad "local server built ($server_bin): run make server"; finish; }
[ -f build/lib/libassemblyai.so.0 ] || { bad "library built: run make lib"; finish; }

tmp=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
# A user's environment: none of the test suites' variables.
clean_env=(env -u ASSEMBLYAI_NATIVE_LIB -u ASSEMBLYAI_NATIVE_SYSTEM_LIB -u PYTHONPATH -u AAI_SERVER_BIN)

python3 -m venv "$tmp/venv" || { bad "python3 -m venv"; finish; }
py=$tmp/venv/bin/python
if "${clean_env[@]}" "$py" -m pip install -q ./bindings/python > "$tmp/pip.log" 2>&1; then
  ok "pip install ./bindings/python"
else
  cat "$tmp/pip.log"; bad "pip install ./bindings/python"; finish
fi
# The source tree must be left as it was (the library is copied into the build, not the tree).
if ls bindings/python/assemblyai_native/_lib/libassemblyai.so* > /dev/null 2>&1; then
  bad "source tree untouched (a library appeared in assemblyai_native/_lib)"
else
  ok "source tree untouched"
fi

"$server_bin" --port 0 --api-key pip-key --queued-ms 20 --processing-ms 50 > "$tmp/server.out" 2> "$tmp/server.err" &
server_pid=$!
url=""
for _ in $(seq 100); do
  url=$(grep -o 'http://[0-9.:]*' "$tmp/server.out" | head -1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { bad "local server started"; finish; }

cd "$tmp"   # away from the tree, so only the installed package can be imported
out=$("${clean_env[@]}" ASSEMBLYAI_API_KEY=pip-key ASSEMBLYAI_BASE_URL="$url" ASSEMBLYAI_POLLING_INTERVAL=0.05 \
      "$py" - "$root/examples/audio/hello.wav" <<'PY' 2>&1
import sys, assemblyai_native as aai
from assemblyai_native import _ffi
from assemblyai_native.llm_gateway.v1 import AsyncLLMGateway  # a subpackage the wheel must hold
print("location", aai.__file__)
print("library", _ffi.lib._path)
transcript = aai.Transcriber().transcribe(sys.argv[1])
print("status", getattr(transcript.status, "value", transcript.status))
print("text", transcript.text)
PY
)
echo "$out" | sed 's/^/  /'
case "$out" in *"location $tmp/venv/"*) ok "imported from the venv";; *) bad "imported from the venv";; esac
case "$out" in *"library $tmp/venv/"*"/assemblyai_native/_lib/libassemblyai.so.0"*) ok "bundled library loaded";;
  *) bad "bundled library loaded";; esac
case "$out" in *"status completed"*) ok "transcribed against the local server";; *) bad "transcribed against the local server";; esac
case "$out" in *"text Hello"*) ok "transcript text";; *) bad "transcript text";; esac

tag=$(ls "$tmp"/venv/lib/python3*/site-packages/assemblyai_native-*.dist-info/WHEEL 2>/dev/null | head -1)
if [ -n "$tag" ] && grep -q '^Tag: py3-none-linux_' "$tag"; then ok "platform wheel (py3-none-linux_*)"
else bad "platform wheel tag: $( [ -n "$tag" ] && grep '^Tag' "$tag")"; fi
finish
