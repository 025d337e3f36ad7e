# libassemblyai: build, stage, test and install.
#   make                 release library + local server + aai (the CLI) + C examples, staged in build/
#   make install PREFIX=/usr/local [DESTDIR=...]   (also LIBDIR, INCLUDEDIR, BINDIR, LIBEXECDIR, MANDIR,
#                        AAI_LINK=auto|yes|no: see "The CLI's name" below)
#   make test-c          the C test suite against the staged library and the local server
#   make docs            the C interface's reference documentation in build/docs/html (Doxygen)
# The Swift runtime is linked statically into the .so (-static-stdlib), so users need no toolchain.

# The version is written once, in include/assemblyai.h (AAI_VERSION); everything else derives it.
VERSION   := $(shell sed -n 's/^\#define AAI_VERSION "\(.*\)"$$/\1/p' include/assemblyai.h)
SOVERSION := $(firstword $(subst ., ,$(VERSION)))
PREFIX    ?= /usr/local
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR?= $(PREFIX)/include
BINDIR    ?= $(PREFIX)/bin
LIBEXECDIR?= $(PREFIX)/libexec
MANDIR    ?= $(PREFIX)/share/man
SWIFT     ?= swift
SWIFTFLAGS:= -c release -Xswiftc -static-stdlib
REL       := .build/release
STAGE     := build
CC        ?= cc
CFLAGS    ?= -std=c99 -O2 -Wall -Wextra -Werror -pedantic
SERVER    := $(STAGE)/bin/assemblyai-server
CLI       := $(STAGE)/bin/aai-native
CLI_RPATH ?= -Wl,-rpath,'$$ORIGIN/../lib'

.PHONY: all lib server cli examples test-c docs install install-aai-link uninstall clean
all: lib server cli examples

# SwiftPM does not see a change of the header behind the CAssemblyAI module map: recompile the
# generated conformance file when the header changed, so a drifting prototype stops this build.
$(STAGE)/.header-built: include/assemblyai.h
	touch Sources/AssemblyAIC/Generated/HeaderConformance.swift
	mkdir -p $(STAGE) && touch $@

lib: $(STAGE)/.header-built
	$(SWIFT) build $(SWIFTFLAGS) --product assemblyai
	mkdir -p $(STAGE)/lib
	strip --strip-unneeded -o $(STAGE)/lib/libassemblyai.so.$(VERSION) $(REL)/libassemblyai.so
	ln -sf libassemblyai.so.$(VERSION) $(STAGE)/lib/libassemblyai.so.$(SOVERSION)
	ln -sf libassemblyai.so.$(SOVERSION) $(STAGE)/lib/libassemblyai.so

server:
	$(SWIFT) build $(SWIFTFLAGS) --product assemblyai-server
	mkdir -p $(STAGE)/bin
	strip -o $(SERVER) $(REL)/assemblyai-server
	rm -rf $(STAGE)/bin/spec
	cp -r spec $(STAGE)/bin/spec
	# the speech recogniser worker the server runs (recognizer/README.md)
	mkdir -p $(STAGE)/bin/recognizer && cp recognizer/aai_recognizer.py $(STAGE)/bin/recognizer/

# aai, the command-line tool: C over the public header only, as curl's src/ uses libcurl.
# `aai stream` is built only when the header has its streaming section (AAI_CLI_STREAMING).
CLI_STREAMING = $(shell grep -q aai_streaming_new include/assemblyai.h && echo -DAAI_CLI_STREAMING)
cli: $(CLI)
$(CLI): $(wildcard tools/aai/*.c tools/aai/*.h) include/assemblyai.h lib
	mkdir -p $(STAGE)/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CLI_STREAMING) -Iinclude $(wildcard tools/aai/*.c) -o $@ $(LDFLAGS) \
	  -L$(STAGE)/lib -lassemblyai $(CLI_RPATH)
	ln -sf aai-native $(STAGE)/bin/aai

EXAMPLES := $(patsubst examples/c/%.c,$(STAGE)/examples/%,$(wildcard examples/c/*.c))
examples: $(EXAMPLES)
$(STAGE)/examples/%: examples/c/%.c include/assemblyai.h lib
	mkdir -p $(STAGE)/examples
	$(CC) $(CFLAGS) -Iinclude $< -o $@ -L$(STAGE)/lib -lassemblyai -Wl,-rpath,'$$ORIGIN/../lib'

C_TESTS := $(patsubst tests/c/%.c,$(STAGE)/tests/%,$(wildcard tests/c/test_*.c))
$(STAGE)/tests/%: tests/c/%.c tests/c/harness.h tests/c/stream_audio.h tests/c/proc_counts.h include/assemblyai.h
	mkdir -p $(STAGE)/tests
	$(CC) -std=c99 -g -Wall -Wextra -Werror -Iinclude $< -o $@ -L$(STAGE)/lib -lassemblyai -lcurl -lpthread \
	  -Wl,-rpath,'$$ORIGIN/../lib'

# test_streaming_inline is test_streaming.c again, with 0 callback threads.
$(STAGE)/tests/test_streaming_inline: tests/c/test_streaming.c
# test_faults is one binary made from tests/c/test_faults.c, which includes its parts.
$(STAGE)/tests/test_faults: $(wildcard tests/c/faults/*.c)

test-c: $(C_TESTS)
	@rc=0; for t in $(C_TESTS); do echo "== $$t"; AAI_SERVER_BIN=$(SERVER) $$t || rc=1; done; \
	for t in test_stress test_streaming_server_faults; do echo "== $$t, 0 callback threads"; \
	  AAI_TEST_CALLBACK_THREADS=0 AAI_SERVER_BIN=$(SERVER) $(STAGE)/tests/$$t || rc=1; done; exit $$rc

# The benchmark's C side (scripts/bench).
$(STAGE)/bench/bench_native: bench/bench_native.c include/assemblyai.h
	mkdir -p $(STAGE)/bench
	$(CC) $(CFLAGS) -Iinclude $< -o $@ -L$(STAGE)/lib -lassemblyai -Wl,-rpath,'$$ORIGIN/../lib'
$(STAGE)/bench/bench_stream: bench/bench_stream.c tests/c/stream_audio.h tests/c/proc_counts.h include/assemblyai.h
	mkdir -p $(STAGE)/bench
	$(CC) $(CFLAGS) -Iinclude $< -o $@ -L$(STAGE)/lib -lassemblyai -Wl,-rpath,'$$ORIGIN/../lib'

# The reference documentation: the header's comments rendered by Doxygen (installed if missing).
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)
docs:
	command -v doxygen >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq doxygen >/dev/null; }
	rm -rf $(STAGE)/docs && mkdir -p $(STAGE)/docs
	AAI_VERSION=$(VERSION) doxygen docs/Doxyfile
	@echo "reference documentation: $(STAGE)/docs/html/index.html"

# assemblyai.pc and the CMake package config are written at install time, so they always carry
# this install's paths. The CMake files locate the prefix relative to themselves (relocatable).
CMAKEDIR   = $(LIBDIR)/cmake/AssemblyAI
SUBST      = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	     -e 's|@VERSION@|$(VERSION)|' -e 's|@VERSION_MAJOR@|$(SOVERSION)|' -e 's|@SOVERSION@|$(SOVERSION)|' \
	     -e 's|@LONG_BIT@|$(shell getconf LONG_BIT)|' \
	     -e 's|@CONFIG_TO_PREFIX@|$(shell realpath -m -s --relative-to=$(CMAKEDIR) $(PREFIX))|' \
	     -e 's|@PREFIX_TO_LIBDIR@|$(shell realpath -m -s --relative-to=$(PREFIX) $(LIBDIR))|' \
	     -e 's|@PREFIX_TO_INCLUDEDIR@|$(shell realpath -m -s --relative-to=$(PREFIX) $(INCLUDEDIR))|'

# The server reads the spec files beside its binary: both go to LIBEXECDIR/assemblyai/, and
# BINDIR/assemblyai-server is a link to it.
install:
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(CMAKEDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR)
	install -m 0644 $(STAGE)/lib/libassemblyai.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libassemblyai.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libassemblyai.so.$(SOVERSION)
	ln -sf libassemblyai.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libassemblyai.so
	install -m 0644 include/assemblyai.h $(DESTDIR)$(INCLUDEDIR)/
	$(SUBST) assemblyai.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/assemblyai.pc
	$(SUBST) cmake/AssemblyAIConfig.cmake.in > $(DESTDIR)$(CMAKEDIR)/AssemblyAIConfig.cmake
	$(SUBST) cmake/AssemblyAIConfigVersion.cmake.in > $(DESTDIR)$(CMAKEDIR)/AssemblyAIConfigVersion.cmake
	if [ -x $(CLI) ]; then install -m 0755 $(CLI) $(DESTDIR)$(BINDIR)/aai-native; \
	  install -d $(DESTDIR)$(MANDIR)/man1; install -m 0644 docs/aai.1 $(DESTDIR)$(MANDIR)/man1/aai-native.1; \
	  $(MAKE) --no-print-directory install-aai-link; fi
	if [ -x $(SERVER) ]; then install -d $(DESTDIR)$(LIBEXECDIR)/assemblyai; \
	  install -m 0755 $(SERVER) $(DESTDIR)$(LIBEXECDIR)/assemblyai/; \
	  rm -rf $(DESTDIR)$(LIBEXECDIR)/assemblyai/spec; \
	  cp -r $(STAGE)/bin/spec $(DESTDIR)$(LIBEXECDIR)/assemblyai/; \
	  install -d $(DESTDIR)$(LIBEXECDIR)/assemblyai/recognizer; \
	  install -m 0644 recognizer/aai_recognizer.py $(DESTDIR)$(LIBEXECDIR)/assemblyai/recognizer/; \
	  ln -sf $(shell realpath -m -s --relative-to=$(BINDIR) $(LIBEXECDIR)/assemblyai/assemblyai-server) \
	    $(DESTDIR)$(BINDIR)/assemblyai-server; \
	  install -d $(DESTDIR)$(MANDIR)/man1; install -m 0644 docs/assemblyai-server.1 $(DESTDIR)$(MANDIR)/man1/; fi

# The CLI's name. AssemblyAI's own CLI also installs a command called `aai`, so ours is installed
# as `aai-native` (man page aai-native(1)), and as `aai` too only where that shadows nothing:
#   AAI_LINK=auto (default)  BINDIR/aai -> aai-native, unless BINDIR/aai exists and is not our link,
#                            or another `aai` is on PATH; never with DESTDIR (packages decide:
#                            the Debian package registers `aai` with update-alternatives)
#   AAI_LINK=yes             always (replaces BINDIR/aai);  AAI_LINK=no  never
# Uninstall removes BINDIR/aai only when it is the link to aai-native.
AAI_LINK ?= auto
install-aai-link:
	@t=$(DESTDIR)$(BINDIR)/aai; link=$(AAI_LINK); \
	if [ "$$link" = auto ]; then \
	  link=yes; other=$$(command -v aai 2>/dev/null || true); \
	  if [ -n "$(DESTDIR)" ]; then link=no; \
	  elif { [ -e "$$t" ] || [ -L "$$t" ]; } && [ "$$(readlink "$$t")" != aai-native ]; then link=no; \
	    echo "install: $$t exists (AssemblyAI's CLI?): the libassemblyai CLI is installed as aai-native only"; \
	  elif [ -n "$$other" ] && [ "$$other" != "$$t" ] && [ "$$(readlink "$$other")" != aai-native ]; then link=no; \
	    echo "install: another aai is on PATH ($$other): the libassemblyai CLI is installed as aai-native only"; fi; \
	fi; \
	if [ "$$link" = yes ]; then ln -sfn aai-native "$$t"; ln -sfn aai-native.1 $(DESTDIR)$(MANDIR)/man1/aai.1; \
	  echo "install: $$t -> aai-native"; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libassemblyai.so* $(DESTDIR)$(LIBDIR)/pkgconfig/assemblyai.pc \
	      $(DESTDIR)$(INCLUDEDIR)/assemblyai.h $(DESTDIR)$(BINDIR)/assemblyai-server \
	      $(DESTDIR)$(BINDIR)/aai-native $(DESTDIR)$(MANDIR)/man1/aai-native.1 $(DESTDIR)$(MANDIR)/man1/assemblyai-server.1
	if [ "$$(readlink $(DESTDIR)$(BINDIR)/aai)" = aai-native ]; then rm -f $(DESTDIR)$(BINDIR)/aai; fi
	if [ "$$(readlink $(DESTDIR)$(MANDIR)/man1/aai.1)" = aai-native.1 ]; then rm -f $(DESTDIR)$(MANDIR)/man1/aai.1; fi
	rm -rf $(DESTDIR)$(LIBEXECDIR)/assemblyai $(DESTDIR)$(CMAKEDIR)

clean:
	rm -rf $(STAGE)
