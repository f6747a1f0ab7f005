# One Makefile builds the suite: make, make check, make run, make install.
# Variables a packager may set: CC, CFLAGS, LDFLAGS, PREFIX, DESTDIR,
# SBINDIR, MANDIR, EXAMPLEDIR.

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
# The example configurations, s6 service directories and composed
# examples (tools/examples.sh).
EXAMPLEDIR ?= $(PREFIX)/share/doc/httpd-relayd/examples

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -std=c11 -Wall -Wextra -Werror -Wshadow -Wconversion \
	   -Wsign-conversion -Wvla -Wformat=2 -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-format-nonliteral
HARDEN	 = -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE \
	   -fstack-clash-protection -fcf-protection
ALL_CPPFLAGS = -D_GNU_SOURCE -Ilib $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(HARDEN) $(CFLAGS)
ALL_LDFLAGS  = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS)
# BearSSL: TLS and hashes; libcrypt (libxcrypt): password hashes of
# htpasswd files (bcrypt, sha512crypt) without writing our own; skalibs:
# the key process's messages (tls_keyproc).
LIBS	 = -lbearssl -lcrypt -lseccomp -lskarnet
# libnftables: redirectd alone builds and changes its nftables table
# through it (one transaction per change), so it alone links it.
bin/redirectd: LIBS += -lnftables
# libmnl: routerd's rtnetlink messages (routes with their nested next
# hops, dumps, extended acks) built and walked with bounds checks rather
# than by hand; already on the machine as a dependency of libnftables.
bin/routerd: LIBS += -lmnl

PROGS	 = httpd fcgi-bridge checkd relay redirectd routerd socketbind
BINS	 = $(PROGS:%=bin/%)
LIB_SRC	 = $(wildcard lib/*/*.c)
LIB_H	 = $(wildcard lib/*/*.h)
LIB_OBJ	 = $(LIB_SRC:lib/%.c=bin/obj/lib/%.o)
LIB_A	 = bin/libsuite.a
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=bin/unit/%)
MAN5	 = $(wildcard doc/*.5)
MAN8	 = $(wildcard doc/*.8)

.PHONY: all layers setup bench-deps check test unit analyse lint-man fuzz run install clean
.SUFFIXES:
.SECONDARY:

all: layers $(BINS)

# lib/ is in layers (base < conf, http < tls < net): a module that
# includes one of a higher layer fails the build (tools/layers.sh).
layers:
	@sh tools/layers.sh

setup:
	sh tools/setup.sh

# What bench/ compares against and measures with (not needed by check).
bench-deps: setup
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends wrk nginx haproxy linux-perf

# An object depends on every header of lib/ and of its own directory.
bin/obj/%.o: %.c $(LIB_H) $(wildcard cmd/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $(LIB_OBJ)

.SECONDEXPANSION:
bin/%: $$(addprefix bin/obj/,$$(subst .c,.o,$$(wildcard cmd/$$*/*.c))) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(LIBS)

# Unit tests and the parser corpus run under AddressSanitizer and
# UndefinedBehaviorSanitizer: bugs in bounds show up as reports, not luck.
# The library is built once per flavour and each test links against it.
SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
SAN_OBJ	 = $(LIB_SRC:lib/%.c=bin/san/%.o)
SAN_A	 = bin/san/libsuite.a
bin/san/%.o: lib/%.c $(LIB_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(WARN) -O1 -g $(SAN) -c -o $@ $<
$(SAN_A): $(SAN_OBJ)
	@rm -f $@
	ar rcs $@ $(SAN_OBJ)
bin/unit/%: tests/unit/%.c $(SAN_A) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(WARN) -O1 -g $(SAN) -o $@ $< \
	    $(SAN_A) $(LIBS)

unit: $(UNIT_BIN)

# libFuzzer drivers (clang only); `make fuzz` runs each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 10
FUZZ_SRC = $(wildcard tests/fuzz/*_fuzz.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=bin/fuzz/%)
FUZZ_FLAGS = -D_GNU_SOURCE -Ilib -g -O1 -fno-sanitize-recover=all
FUZZ_OBJ = $(LIB_SRC:lib/%.c=bin/fuzzlib/%.o)
FUZZ_A	 = bin/fuzzlib/libsuite.a
bin/fuzzlib/%.o: lib/%.c $(LIB_H)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined \
	    -c -o $@ $<
$(FUZZ_A): $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $(FUZZ_OBJ)
bin/fuzz/%: tests/fuzz/%.c $(FUZZ_A)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	    $(FUZZ_A) $(LIBS)

fuzz: $(FUZZ_BIN)
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)
export FUZZ_SECONDS

# Static analysers: all must be clean.
analyse:
	cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	    --enable=warning,portability --suppress=missingIncludeSystem \
	    -D_GNU_SOURCE -Ilib lib cmd
	for f in $(LIB_SRC) $(wildcard cmd/*/*.c); do \
	    $(CC) $(ALL_CPPFLAGS) $(WARN) -O1 -fanalyzer -c -o /dev/null $$f \
	    || exit 1; done

lint-man:
	mandoc -Tlint -Wwarning $(MAN5) $(MAN8)

# check and run begin with setup, so that on a fresh machine each of them
# is the one command needed.
check: setup
	$(MAKE) -j2 all unit $(FUZZ_BIN)
	$(MAKE) analyse lint-man
	sh tests/run.sh

test: check

# make run NAME=https [KEYS="PORT=9000"]: a composed example by name
# (doc/examples/compose); plain make run: the default site.
run: setup
	$(MAKE) all
	sh tools/run.sh $(NAME) $(KEYS)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(BINS) $(DESTDIR)$(SBINDIR)
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	install -m 644 $(MAN8) $(DESTDIR)$(MANDIR)/man8
	sh tools/examples.sh $(DESTDIR)$(EXAMPLEDIR) $(SBINDIR)
	# A package creates the users in its own scripts: only a real
	# install (no DESTDIR) does it here.
	if [ -z "$(DESTDIR)" ]; then sh tools/users.sh; fi

clean:
	rm -rf bin
