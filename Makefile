# libassemblyai: build, stage, test and install.
#   make                 release library + local server + C examples, staged in build/
#   make install PREFIX=/usr/local [DESTDIR=...]
#   make test-c          the C test suite against the staged library and the local server
# The Swift runtime is linked statically into the .so (-static-stdlib), so users need no toolchain.

VERSION   := 0.1.0
SOVERSION := 0
PREFIX    ?= /usr/local
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR?= $(PREFIX)/include
BINDIR    ?= $(PREFIX)/bin
SWIFT     ?= swift
SWIFTFLAGS:= -c release -Xswiftc -static-stdlib
REL       := .build/release
STAGE     := build
CC        ?= cc
CFLAGS    ?= -std=c99 -O2 -Wall -Wextra -Werror -pedantic
SERVER    := $(STAGE)/bin/assemblyai-server

.PHONY: all lib server examples test-c install uninstall clean
all: lib server examples

lib:
	$(SWIFT) build $(SWIFTFLAGS) --product assemblyai
	mkdir -p $(STAGE)/lib
	strip --strip-unneeded -o $(STAGE)/lib/libassemblyai.so.$(VERSION) $(REL)/libassemblyai.so
	ln -sf libassemblyai.so.$(VERSION) $(STAGE)/lib/libassemblyai.so.$(SOVERSION)
	ln -sf libassemblyai.so.$(SOVERSION) $(STAGE)/lib/libassemblyai.so

server:
	$(SWIFT) build $(SWIFTFLAGS) --product assemblyai-server
	mkdir -p $(STAGE)/bin
	strip -o $(SERVER) $(REL)/assemblyai-server
	rm -rf $(STAGE)/bin/libassemblyai_LocalServer.resources
	cp -r $(REL)/libassemblyai_LocalServer.resources $(STAGE)/bin/

EXAMPLES := $(patsubst examples/c/%.c,$(STAGE)/examples/%,$(wildcard examples/c/*.c))
examples: $(EXAMPLES)
$(STAGE)/examples/%: examples/c/%.c include/assemblyai.h lib
	mkdir -p $(STAGE)/examples
	$(CC) $(CFLAGS) -Iinclude $< -o $@ -L$(STAGE)/lib -lassemblyai -Wl,-rpath,'$$ORIGIN/../lib'

C_TESTS := $(patsubst tests/c/%.c,$(STAGE)/tests/%,$(wildcard tests/c/test_*.c))
$(STAGE)/tests/%: tests/c/%.c tests/c/harness.h include/assemblyai.h
	mkdir -p $(STAGE)/tests
	$(CC) -std=c99 -g -Wall -Wextra -Werror -Iinclude $< -o $@ -L$(STAGE)/lib -lassemblyai -lcurl -lpthread \
	  -Wl,-rpath,'$$ORIGIN/../lib'

test-c: $(C_TESTS)
	@rc=0; for t in $(C_TESTS); do echo "== $$t"; AAI_SERVER_BIN=$(SERVER) $$t || rc=1; done; exit $$rc

$(STAGE)/bench/bench_native: bench/bench_native.c include/assemblyai.h
	mkdir -p $(STAGE)/bench
	$(CC) $(CFLAGS) -Iinclude $< -o $@ -L$(STAGE)/lib -lassemblyai -Wl,-rpath,'$$ORIGIN/../lib'

assemblyai.pc: assemblyai.pc.in
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' $< > $@

install: assemblyai.pc
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR)
	install -m 0644 $(STAGE)/lib/libassemblyai.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libassemblyai.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libassemblyai.so.$(SOVERSION)
	ln -sf libassemblyai.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libassemblyai.so
	install -m 0644 include/assemblyai.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 assemblyai.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	if [ -x $(SERVER) ]; then install -m 0755 $(SERVER) $(DESTDIR)$(BINDIR)/; \
	  cp -r $(STAGE)/bin/libassemblyai_LocalServer.resources $(DESTDIR)$(BINDIR)/; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libassemblyai.so* $(DESTDIR)$(LIBDIR)/pkgconfig/assemblyai.pc \
	      $(DESTDIR)$(INCLUDEDIR)/assemblyai.h $(DESTDIR)$(BINDIR)/assemblyai-server
	rm -rf $(DESTDIR)$(BINDIR)/libassemblyai_LocalServer.resources

clean:
	rm -rf $(STAGE) assemblyai.pc
