# Builds and installs nnpipe: one binary with the Swift runtime linked in, its man pages
# (nnpipe(1) and the pipeline file's nnpipe-pipeline(5)), and shell completions.
#
#   make install                      # into /usr/local (run as root, or with sudo)
#   make install PREFIX=$HOME/.local  # into a home folder
#   make install SWIFT_BUILD_FLAGS=--disable-default-traits   # zlib only, no ISA-L
#
# The binary needs at run time only libc, libm, libstdc++, libgcc_s, libz, libzstd, libcsv and (unless
# built without it) libisal; OpenBLAS is loaded when present, and libhdf5 only when a Keras file is
# read (see docs/development.md, "Building").

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
# Installed stripped (about 60 MB instead of 80); `make install STRIP=` keeps the symbols.
STRIP ?= -s

BIN = .build/release/nnpipe
COMPLETIONS = .build/completions

.PHONY: all build completions install uninstall clean

all: build completions

# The Swift standard library and Foundation linked in: no Swift toolchain needed where it runs.
build:
	$(SWIFT) build -c release --static-swift-stdlib $(SWIFT_BUILD_FLAGS)

completions: build
	mkdir -p $(COMPLETIONS)
	$(BIN) --generate-completion-script bash > $(COMPLETIONS)/nnpipe.bash
	$(BIN) --generate-completion-script zsh > $(COMPLETIONS)/_nnpipe
	$(BIN) --generate-completion-script fish > $(COMPLETIONS)/nnpipe.fish

# One build: the binary above, which also writes the completions. The man pages are written
# in man/ (mdoc), beside the commands' --help that a test compares them with.
install: build completions
	install -d $(BINDIR) $(MANDIR)/man1 $(MANDIR)/man5 $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(STRIP) $(BIN) $(BINDIR)/nnpipe
	install -m 644 man/nnpipe.1 $(MANDIR)/man1/nnpipe.1
	install -m 644 man/nnpipe-pipeline.5 $(MANDIR)/man5/nnpipe-pipeline.5
	install -m 644 $(COMPLETIONS)/nnpipe.bash $(BASHDIR)/nnpipe
	install -m 644 $(COMPLETIONS)/_nnpipe $(ZSHDIR)/_nnpipe
	install -m 644 $(COMPLETIONS)/nnpipe.fish $(FISHDIR)/nnpipe.fish

uninstall:
	rm -f $(BINDIR)/nnpipe $(MANDIR)/man1/nnpipe.1 $(MANDIR)/man5/nnpipe-pipeline.5 $(BASHDIR)/nnpipe $(ZSHDIR)/_nnpipe $(FISHDIR)/nnpipe.fish

clean:
	rm -rf $(COMPLETIONS)
