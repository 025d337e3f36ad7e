#!/usr/bin/env bash
# The Debian packages as a user gets them: installs build/debs/*.deb (made by scripts/build-debs)
# on this machine, builds examples/c/transcribe.c against them with pkg-config and with CMake
# find_package(AssemblyAI) (tests/packaging/cmake/), runs both and the installed aai against
# the installed assemblyai-server, then purges the packages and checks that nothing is left.
# Needs root (apt-get). Not part of scripts/test: building the packages takes a release build.
#   scripts/build-debs && tests/packaging/test-debs.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
passed=0; failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAILED: $1"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
quiet() { "$@" > /dev/null; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

shopt -s nullglob
debs=(build/debs/*.deb)
[ ${#debs[@]} -gt 0 ] || { echo "test-debs: no packages in build/debs: run scripts/build-debs"; bad "packages built"; finish; }
packages=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Package; done | sort -u | tr '\n' ' ')
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)   # (/lib is /usr/lib on Debian 12: ld.so may say either)
expected="Hello from libassemblyai. This transcript came from the local server."
tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
. scripts/lib/localserver.sh

# Tools the test itself uses (a compiler, pkg-config, cmake).
need=()
for p in gcc libc6-dev pkg-config cmake; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 1. Install, with apt resolving the dependencies dh_shlibdeps wrote (libcurl4, ...).
echo "== installing: $packages"
check "apt-get install ./build/debs/*.deb" \
  quiet env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${debs[@]/#/./}"
for p in $packages; do dpkg -L "$p" 2>/dev/null; done | sort -u > "$tmp/files"
depends=$(dpkg-query -W -f='${Depends}' libassemblyai0 2>/dev/null)
check "libassemblyai0 depends on libcurl4 ($depends)" grep -q 'libcurl4' <<< "$depends"
check "libassemblyai.so.0 is in /usr/lib/$multiarch and known to ld.so" \
  sh -c "ldconfig -p | grep -Eq 'libassemblyai.so.0 .*=> (/usr)?/lib/$multiarch/libassemblyai.so.0'"
check "the library needs no Swift toolchain library" \
  sh -c "! ldd /usr/lib/$multiarch/libassemblyai.so.0 | grep -Eqi 'swift|foundation|not found'"
server_dir=$(dirname "$(readlink -f /usr/bin/assemblyai-server)")
check "aai-native --version runs" sh -c 'aai-native --version | grep -q "^aai "'
check "aai is an alternative for aai-native" sh -c '[ "$(readlink -f /usr/bin/aai)" = /usr/bin/aai-native ]'
check "aai --version runs" sh -c 'aai --version | grep -q "^aai "'
check "aai-native(1), aai(1) and assemblyai-server(1) are installed" \
  sh -c 'man -w aai-native >/dev/null && man -w aai >/dev/null && man -w assemblyai-server >/dev/null'

# 2. Build the C example against the installed packages, both ways.
check "cc \$(pkg-config --cflags --libs assemblyai)" \
  sh -c "cc -std=c99 -Wall -Wextra -Werror examples/c/transcribe.c \$(pkg-config --cflags --libs assemblyai) -o $tmp/transcribe-pc"
check "pkg-config --modversion matches the header" \
  sh -c "[ \"\$(pkg-config --modversion assemblyai)\" = \"\$(sed -n 's/^#define AAI_VERSION \"\\(.*\\)\"/\\1/p' /usr/include/assemblyai.h)\" ]"
check "cmake find_package(AssemblyAI) configures and builds" \
  sh -c "cmake -S tests/packaging/cmake -B $tmp/cmake >$tmp/cmake.log 2>&1 && cmake --build $tmp/cmake >>$tmp/cmake.log 2>&1 || { cat $tmp/cmake.log; false; }"
check "the CMake build links the installed library" \
  sh -c "ldd $tmp/cmake/transcribe | grep -Eq '=> (/usr)?/lib/$multiarch/libassemblyai.so.0'"

# 3. Run them against the installed local server.
localserver_start --bin "$(command -v assemblyai-server || echo /usr/bin/assemblyai-server)" --dir "$tmp" --api-key packaging-test
url=$LOCALSERVER_URL
check "the installed assemblyai-server starts, finding its spec files in $server_dir ($url)" test -n "$url"
if [ -n "$url" ]; then
  export ASSEMBLYAI_API_KEY=packaging-test ASSEMBLYAI_BASE_URL="$url"
  check "the pkg-config build transcribes examples/audio/hello.wav" \
    sh -c "[ \"\$($tmp/transcribe-pc examples/audio/hello.wav)\" = \"$expected\" ]"
  check "the CMake build transcribes examples/audio/hello.wav" \
    sh -c "[ \"\$($tmp/cmake/transcribe examples/audio/hello.wav)\" = \"$expected\" ]"
  check "the installed aai transcribes it" \
    sh -c "[ \"\$(aai transcribe examples/audio/hello.wav --poll-interval 100 2>$tmp/aai.err)\" = \"$expected\" ] && [ ! -s $tmp/aai.err ]"
  check "the installed aai lists the three transcripts" sh -c "[ \"\$(aai list | wc -l)\" -eq 3 ]"
  unset ASSEMBLYAI_API_KEY ASSEMBLYAI_BASE_URL
fi
localserver_stop

# 4. Purge, and check that every file the packages brought is gone.
check "apt-get purge $packages" \
  quiet env DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -qq $packages
left=$(for p in $packages; do dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$p" 2>/dev/null; done | grep -v '^un ' | grep -v '^$' || true)
check "no package left installed or half-removed${left:+: $left}" test -z "$left"
leftover=$(while read -r f; do [ -d "$f" ] && continue; [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done < "$tmp/files")
check "no file of theirs left${leftover:+: $(echo $leftover | cut -c1-300)}" test -z "$leftover"
check "no folder of theirs left ($server_dir, cmake/AssemblyAI)" \
  sh -c "[ ! -e '$server_dir' ] && [ ! -e /usr/lib/$multiarch/cmake/AssemblyAI ]"
check "ld.so no longer knows libassemblyai.so.0" sh -c "! ldconfig -p | grep -q libassemblyai"
check "the aai alternative is gone" sh -c "[ ! -e /usr/bin/aai ] && ! update-alternatives --query aai >/dev/null 2>&1"
finish
