#!/usr/bin/env bash
# The API key never leaks (issue 10, "Security"): runs the suites that use libassemblyai with a
# distinctive API key (a random canary, through $AAI_TEST_API_KEY and $ASSEMBLYAI_API_KEY) and
# greps everything they produced for it: their stdout and stderr (every error message the
# tests print), and every file written under /tmp, /dev/shm and the repository during the
# run (downloads, temporary files, logs, core files).
#
# The suites: tests/security/key_leak_probe.c first (every kind of failure, each message
# printed; plain http:// to non-loopback hosts refused; downloads atomic with mode 0600), then
# the C suites (build/tests/test_*), the Python binding's tests, the CLI's and the examples'.
#
#   tests/security/test_no_key_leak.sh           everything (a few minutes)
#   tests/security/test_no_key_leak.sh --quick    the probe and the C suites only
#   tests/security/test_no_key_leak.sh --self-test  plants the key in the output and in a file,
#                                                   and passes only if both are caught
#
# Needs the staged build (make all; scripts/test does it). Exit status 0 when nothing leaked
# and every suite passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
quick=0 selftest=0
[ "${1:-}" = "--quick" ] && quick=1
[ "${1:-}" = "--self-test" ] && selftest=1

KEY="aai-canary-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export AAI_TEST_API_KEY="$KEY" ASSEMBLYAI_API_KEY="$KEY"
. scripts/lib/localserver.sh
AAI_SERVER_BIN=$(localserver_bin)   # the suites start it; a missing binary fails them
export AAI_SERVER_BIN
export ASSEMBLYAI_NATIVE_LIB="${ASSEMBLYAI_NATIVE_LIB:-$PWD/build/lib/libassemblyai.so.0}"
work=$(mktemp -d /tmp/aai-keyleak-XXXXXX)
trap 'rm -rf "$work"' EXIT
marker=$work/start
touch "$marker"
sleep 1   # file times have a resolution: everything written from now on is newer
log=$work/output.log
failed=()
suite() {
  local name=$1; shift
  echo "== $name" | tee -a "$log"
  "$@" >>"$log" 2>&1 || failed+=("$name")
  echo "   $(tail -1 "$log")"
}

if [ $selftest -eq 1 ]; then
  planted=/tmp/aai-keyleak-planted-$$
  echo "a message with the key $KEY in it" >>"$log"
  echo "Authorization: $KEY" >"$planted"
else
# 1. The probe.
cc -std=c99 -g -Wall -Wextra -Werror -Iinclude tests/security/key_leak_probe.c -o "$work/probe" \
  -Lbuild/lib -lassemblyai -lcurl -lpthread -Wl,-rpath,"$PWD/build/lib" || { echo "cannot build the probe"; exit 1; }
suite probe "$work/probe"

# 2. The C suites.
make -s $(ls tests/c/test_*.c | sed 's|tests/c/\(.*\)\.c|build/tests/\1|') >/dev/null || failed+=(build-c-tests)
for t in build/tests/test_*; do
  [ -x "$t" ] && suite "$(basename "$t")" "$t"
done

# 3. The Python suites that load the library (the binding, the CLI, the examples).
if [ $quick -eq 0 ]; then
  for d in bindings/python/tests tests/cli tests/examples; do
    [ -d "$d" ] && suite "pytest $d" python3 -m pytest -q -p no:cacheprovider "$d"
  done
fi

fi

# 4. The grep: the output, then every file written during the run (not this script's own).
leaks=0
if grep -qF -- "$KEY" "$log"; then
  leaks=1
  echo "LEAK: the API key appears in the suites' output:"
  grep -nF -- "$KEY" "$log" | sed "s/$KEY/<API KEY>/g" | head -20
fi
while IFS= read -r -d '' f; do
  case "$f" in "$work"/*) continue ;; esac
  if grep -qF -- "$KEY" "$f" 2>/dev/null; then
    leaks=1
    echo "LEAK: the API key appears in $f"
  fi
done < <(find /tmp /dev/shm "$PWD" -xdev -newer "$marker" -type f -user "$(id -u)" -size -64M -print0 2>/dev/null)
cores=$(find "$PWD" /tmp -xdev -maxdepth 2 -newer "$marker" -name 'core*' -type f 2>/dev/null | head -5)
if [ -n "$cores" ]; then
  echo "core files were written during the run (a crash):"; echo "$cores"; failed+=(core-files)
  for c in $cores; do grep -qF -- "$KEY" "$c" && { leaks=1; echo "LEAK: the API key is in $c"; }; done
fi

if [ $selftest -eq 1 ]; then
  rm -f "$planted"
  if [ $leaks -eq 1 ]; then echo "self-test: the planted key was found"; echo "1 passed, 0 failed"; exit 0; fi
  echo "self-test: the planted key was NOT found"; echo "0 passed, 1 failed"; exit 1
fi
n=$(grep -c "" "$log")
if [ $leaks -eq 0 ]; then
  echo "no key leak: the canary key appears nowhere in $n lines of output nor in the files written"
fi
python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
p = sum(int(a) for a, b in re.findall(r"^(\d+) passed, (\d+) failed$", text, re.M))
f = sum(int(b) for a, b in re.findall(r"^(\d+) passed, (\d+) failed$", text, re.M))
for line in re.findall(r"^=*\s*(\d+ (?:passed|failed)[^\n]*) in [\d.]+s", text, re.M):
    p += sum(int(x) for x in re.findall(r"(\d+) passed", line))
    f += sum(int(x) for x in re.findall(r"(\d+) (?:failed|errors?)", line))
print(f"suites under the canary key: {p} passed, {f} failed")
PY
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED suites: ${failed[*]}"
  grep -E "FAIL|not ok|Error|error" "$log" | sed "s/$KEY/<API KEY>/g" | head -30
fi
# The closing line scripts/test counts (1 test: no leak).
if [ $leaks -eq 0 ] && [ ${#failed[@]} -eq 0 ]; then echo "1 passed, 0 failed"; exit 0; fi
echo "0 passed, 1 failed"
exit 1
