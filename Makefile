# alliance-watch: build, install and check the systemd integration.
#
#   make release                         static release binary (.build/release/alliance-watch)
#   sudo make install                    install to /usr, create user and spool, update the catalog
#   make install DESTDIR=/tmp/stage      stage the files only (packaging, tests/e2e)
#   sudo make uninstall                  remove the files; keeps /etc config, state and spool
#   make check-units                     systemd-analyze verify + security of the installed unit
#
# `install` does not build: run `make release` first (as your own user, not root).

PREFIX        ?= /usr
DESTDIR       ?=
BINDIR        ?= $(PREFIX)/bin
UNITDIR       ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR   ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR   ?= $(PREFIX)/lib/tmpfiles.d
CATALOGDIR    ?= $(PREFIX)/lib/systemd/catalog
DOCDIR        ?= $(PREFIX)/share/doc/alliance-watch
MANDIR        ?= $(PREFIX)/share/man
BASHCOMPDIR   ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR    ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR   ?= $(PREFIX)/share/fish/vendor_completions.d
SYSCONFDIR    ?= /etc
CONFDIR       ?= $(SYSCONFDIR)/alliance-watch

SWIFT         ?= swift
BINARY        ?= .build/release/alliance-watch
# Exposure ceiling for `systemd-analyze security`, in tenths (10 = 1.0).
SECURITY_THRESHOLD ?= 10

# The committed unit and catalog name /usr/bin and /usr/share/doc; other prefixes are
# substituted while installing.
SUBST = sed -e 's|/usr/bin/alliance-watch|$(BINDIR)/alliance-watch|g' \
            -e 's|/usr/share/doc/alliance-watch|$(DOCDIR)|g'

.PHONY: all deps run test test-unit bench bench-replay bench-daemon build release install install-files install-bin install-units install-doc install-config \
	post-install uninstall check-units test-faults test-e2e test-forwarding install-man install-completions check-man fuzz

all: build

# --- Development: the two commands of the README ----------------------------------------

# Installs the system packages the build and the tests need, when missing.
deps:
	scripts/install-deps.sh

# The daemon in the foreground on ./var/spool and ./var/lib (Config/local.toml).
run: deps
	$(SWIFT) build --product alliance-watch
	mkdir -p var/spool var/lib
	.build/debug/alliance-watch run --config Config/local.toml

# Everything: unit and integration tests (a private journald per test; root), the unit
# checks and the manual pages, the faults of the state database (tests/faults), the
# end-to-end test under systemd as PID 1 in a container, the forwarding test and the
# Debian package's install/upgrade/remove/purge test (root).
test: deps test-unit check-units check-man test-faults test-e2e test-forwarding test-deb

test-unit:
	$(SWIFT) build --build-tests
	$(SWIFT) test

# --- Benchmarks (release build; medians printed, not asserted) ----------------------------

bench: bench-replay bench-daemon

bench-replay:
	$(SWIFT) build -c release --product alliance-watch
	scripts/bench-replay.sh

bench-daemon:
	$(SWIFT) build -c release --product alliance-watch
	scripts/bench-daemon.sh

# --- Fuzzing (libFuzzer + AddressSanitizer; fuzz/ is a package of its own) ---------------

# Each target of fuzz/ for FUZZ_SECONDS; a crash, leak or hang fails and keeps its reproducer
# in fuzz/artifacts/.
FUZZ_SECONDS  ?= 60

fuzz:
	FUZZ_SECONDS="$(FUZZ_SECONDS)" SWIFT="$(SWIFT)" scripts/fuzz.sh

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --static-swift-stdlib --product alliance-watch

install: install-files
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		$(MAKE) --no-print-directory post-install; \
	else \
		echo "Staged only (DESTDIR set or not root): no users, spool or catalog update."; \
	fi

install-files: install-bin install-units install-doc install-config install-man install-completions

install-bin:
	@test -x "$(BINARY)" || { echo "$(BINARY) is missing: run 'make release' first." >&2; exit 1; }
	install -D -m 0755 "$(BINARY)" "$(DESTDIR)$(BINDIR)/alliance-watch"

install-units:
	install -d -m 0755 "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(SYSUSERSDIR)" \
		"$(DESTDIR)$(TMPFILESDIR)" "$(DESTDIR)$(CATALOGDIR)"
	$(SUBST) systemd/alliance-watch.service > "$(DESTDIR)$(UNITDIR)/alliance-watch.service"
	$(SUBST) systemd/alliance-watch.catalog > "$(DESTDIR)$(CATALOGDIR)/alliance-watch.catalog"
	chmod 0644 "$(DESTDIR)$(UNITDIR)/alliance-watch.service" "$(DESTDIR)$(CATALOGDIR)/alliance-watch.catalog"
	install -m 0644 systemd/alliance-watch.sysusers "$(DESTDIR)$(SYSUSERSDIR)/alliance-watch.conf"
	install -m 0644 systemd/alliance-watch.tmpfiles "$(DESTDIR)$(TMPFILESDIR)/alliance-watch.conf"

install-doc:
	install -D -m 0644 docs/ADMIN.md "$(DESTDIR)$(DOCDIR)/ADMIN.md"
	install -D -m 0644 docs/RULES.md "$(DESTDIR)$(DOCDIR)/RULES.md"

# The manual pages, compressed reproducibly (-n: no name or time stamp in the .gz).
install-man:
	install -d -m 0755 "$(DESTDIR)$(MANDIR)/man8" "$(DESTDIR)$(MANDIR)/man5"
	gzip -9n < docs/man/alliance-watch.8 > "$(DESTDIR)$(MANDIR)/man8/alliance-watch.8.gz"
	gzip -9n < docs/man/alliance-watch.toml.5 > "$(DESTDIR)$(MANDIR)/man5/alliance-watch.toml.5.gz"
	chmod 0644 "$(DESTDIR)$(MANDIR)/man8/alliance-watch.8.gz" "$(DESTDIR)$(MANDIR)/man5/alliance-watch.toml.5.gz"

# bash, zsh and fish completion, generated by the program itself, so they always match it.
# A stand-in binary that cannot generate them (tests/e2e --stub) installs none, and says so.
install-completions:
	@test -x "$(BINARY)" || { echo "$(BINARY) is missing: run 'make release' first." >&2; exit 1; }
	@if ! "$(BINARY)" --generate-completion-script bash >/dev/null 2>&1; then \
		echo "Not installing shell completion: '$(BINARY) --generate-completion-script' fails." >&2; \
	else \
		set -e; \
		install -d -m 0755 "$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)"; \
		for pair in "bash:$(BASHCOMPDIR)/alliance-watch" "zsh:$(ZSHCOMPDIR)/_alliance-watch" \
				"fish:$(FISHCOMPDIR)/alliance-watch.fish"; do \
			target="$(DESTDIR)$${pair#*:}"; \
			"$(BINARY)" --generate-completion-script "$${pair%%:*}" > "$$target.tmp"; \
			test -s "$$target.tmp"; \
			chmod 0644 "$$target.tmp"; mv "$$target.tmp" "$$target"; \
			echo "installed $$target"; \
		done; \
	fi

# Never overwrites an administrator's configuration.
install-config:
	@test -f Config/alliance-watch.toml || { echo "Config/alliance-watch.toml is missing." >&2; exit 1; }
	@if [ -e "$(DESTDIR)$(CONFDIR)/alliance-watch.toml" ]; then \
		echo "Keeping the existing $(DESTDIR)$(CONFDIR)/alliance-watch.toml"; \
	else \
		install -D -m 0644 Config/alliance-watch.toml "$(DESTDIR)$(CONFDIR)/alliance-watch.toml"; \
	fi

# Only on the live system (root, no DESTDIR): user and group, spool folders, catalog, units.
post-install:
	systemd-sysusers alliance-watch.conf
	systemd-tmpfiles --create alliance-watch.conf
	journalctl --update-catalog
	@if [ -d /run/systemd/system ]; then systemctl daemon-reload; \
	else echo "systemd is not running: skipped systemctl daemon-reload."; fi
	@echo "Installed. Start with: systemctl enable --now alliance-watch.service"

uninstall:
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && [ -d /run/systemd/system ]; then \
		systemctl disable --now alliance-watch.service 2>/dev/null || true; \
	fi
	rm -f "$(DESTDIR)$(BINDIR)/alliance-watch" \
		"$(DESTDIR)$(UNITDIR)/alliance-watch.service" \
		"$(DESTDIR)$(SYSUSERSDIR)/alliance-watch.conf" \
		"$(DESTDIR)$(TMPFILESDIR)/alliance-watch.conf" \
		"$(DESTDIR)$(CATALOGDIR)/alliance-watch.catalog" \
		"$(DESTDIR)$(DOCDIR)/ADMIN.md" "$(DESTDIR)$(DOCDIR)/RULES.md" \
		"$(DESTDIR)$(MANDIR)/man8/alliance-watch.8.gz" "$(DESTDIR)$(MANDIR)/man5/alliance-watch.toml.5.gz" \
		"$(DESTDIR)$(BASHCOMPDIR)/alliance-watch" "$(DESTDIR)$(ZSHCOMPDIR)/_alliance-watch" \
		"$(DESTDIR)$(FISHCOMPDIR)/alliance-watch.fish"
	-rmdir "$(DESTDIR)$(DOCDIR)" 2>/dev/null
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		journalctl --update-catalog; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	fi
	@echo "Kept: $(CONFDIR), /var/lib/alliance-watch, /var/spool/alliance-watch and the users."

# Verifies the unit as installed (paths after PREFIX substitution) in a staging root.
check-units:
	PREFIX="$(PREFIX)" BINARY="$(BINARY)" SECURITY_THRESHOLD="$(SECURITY_THRESHOLD)" \
		tests/systemd/check-units.sh

# Faults of the state database against the release binary and a private journald (root).
test-faults:
	@[ -x "$(BINARY)" ] || $(MAKE) --no-print-directory release
	BINARY="$(BINARY)" tests/faults/run.sh

# Lint and render the manual pages; keep them in step with the configuration, --help and
# the catalog; exercise the generated shell completion (tests/man/check.sh).
check-man:
	@[ -x "$(BINARY)" ] || $(MAKE) --no-print-directory release
	BINARY="$(BINARY)" tests/man/check.sh

test-e2e:
	tests/e2e/run.sh

# A clinic and a central log server in network namespaces: alerts forwarded over TLS with
# client certificates (systemd-journal-upload -> stunnel -> systemd-journal-remote); root.
test-forwarding:
	@[ -x "$(BINARY)" ] || $(MAKE) --no-print-directory release
	BINARY="$(BINARY)" tests/forwarding/run.sh

# --- Debian package (packaging/; docs/ADMIN.md "Installing the Debian package") -------------
#
#   make deb                  .build/deb/alliance-watch_<VERSION>-1_<arch>.deb from `make install`
#   make deb BINARY=PATH      package that binary instead of building one (make release)
#   make deb DEB_REVISION=2   another Debian revision of the same upstream VERSION
#   sudo make test-deb        install, upgrade, remove and purge under systemd in a container
#
# The upstream version is written once, in VERSION; the build stops when the binary's
# `alliance-watch --version` says otherwise.
DEB_REVISION  ?= 1
DEB_DIR       ?= .build/deb

.PHONY: deb test-deb

deb: $(if $(filter .build/release/alliance-watch,$(BINARY)),release)
	DEB_REVISION="$(DEB_REVISION)" packaging/build-deb.sh "$(BINARY)" "$(DEB_DIR)"

test-deb:
	tests/deb/run.sh
