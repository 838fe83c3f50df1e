# Builds and installs nnpipe: one binary with the Swift runtime linked in, its man page, and
# shell completions.
#
#   make install                      # into /usr/local (run as root, or with sudo)
#   make install PREFIX=$HOME/.local  # into a home folder
#   make install SWIFT_BUILD_FLAGS=--disable-default-traits   # zlib only, no ISA-L
#
# The binary needs at run time only libc, libm, libstdc++, libgcc_s, libz, libcsv and (unless
# built without it) libisal; OpenBLAS is loaded when present (see README.md, "Install").

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
# Installed stripped (about 60 MB instead of 80); `make install STRIP=` keeps the symbols.
STRIP ?= -s

BIN = .build/release/nnpipe
MAN = .build/man/nnpipe.1
COMPLETIONS = .build/completions

.PHONY: all build man completions install uninstall clean

all: build man completions

# The Swift standard library and Foundation linked in: no Swift toolchain needed where it runs.
build:
	$(SWIFT) build -c release --static-swift-stdlib $(SWIFT_BUILD_FLAGS)

# swift-argument-parser's generate-manual plugin, from the commands' own help. It runs on the
# debug build so that it does not replace the release binary built above with a dynamic one.
man:
	mkdir -p .build/man
	$(SWIFT) package plugin --allow-writing-to-directory .build/man generate-manual \
		--configuration debug --output-directory .build/man

completions: build
	mkdir -p $(COMPLETIONS)
	$(BIN) --generate-completion-script bash > $(COMPLETIONS)/nnpipe.bash
	$(BIN) --generate-completion-script zsh > $(COMPLETIONS)/_nnpipe
	$(BIN) --generate-completion-script fish > $(COMPLETIONS)/nnpipe.fish

install: build man completions
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(STRIP) $(BIN) $(BINDIR)/nnpipe
	install -m 644 $(MAN) $(MANDIR)/nnpipe.1
	install -m 644 $(COMPLETIONS)/nnpipe.bash $(BASHDIR)/nnpipe
	install -m 644 $(COMPLETIONS)/_nnpipe $(ZSHDIR)/_nnpipe
	install -m 644 $(COMPLETIONS)/nnpipe.fish $(FISHDIR)/nnpipe.fish

uninstall:
	rm -f $(BINDIR)/nnpipe $(MANDIR)/nnpipe.1 $(BASHDIR)/nnpipe $(ZSHDIR)/_nnpipe $(FISHDIR)/nnpipe.fish

clean:
	rm -rf .build/man $(COMPLETIONS)
