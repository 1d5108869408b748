# duct — GNU make build. `make` -> build/duct; `make check`; `make asan`; `make install PREFIX=...`;
# `make deb` -> the Debian package (debian/)
CC       ?= cc
PREFIX   ?= /usr/local
BUILD    ?= build
WERROR   ?=
ifeq ($(CI),true)
WERROR   := -Werror
endif
CSTD     := -std=c17 -D_GNU_SOURCE -pthread
WARN     := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers $(WERROR)
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=3 -fPIE
OPT      ?= -O2 -g
CFLAGS   += $(CSTD) $(WARN) $(OPT) $(HARDEN) -Isrc -MMD -MP
LDFLAGS  += -pie -Wl,-z,relro,-z,now
LDLIBS   += -lssl -lcrypto -lreadline

SRCS      := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
OBJS      := $(SRCS:%.c=$(BUILD)/obj/%.o)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
COMPAT_NAMES := socat nc netcat ncat ss

.PHONY: all check asan install clean bench man man-update unit fuzz fuzz-smoke deb deps-check
all: $(BUILD)/duct $(BUILD)/duct.1 $(BUILD)/completion/duct.bash $(BUILD)/completion/_duct

$(BUILD)/duct: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libduct.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libduct.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libduct.a $(LDLIBS)

# The man page source is mdoc; "building" it checks it and copies it next to the binary.
$(BUILD)/duct.1: docs/duct.1
	@mkdir -p $(BUILD)
	cp docs/duct.1 $@

unit: $(UNIT_BINS) $(BUILD)/tests/gen_man

# Shell completion: data generated from the tables (completion/gen_completion.c) + the logic.
$(BUILD)/gen_completion: completion/gen_completion.c $(BUILD)/libduct.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libduct.a $(LDLIBS)

$(BUILD)/completion/duct.bash: $(BUILD)/gen_completion completion/duct.bash
	@mkdir -p $(dir $@)
	$(BUILD)/gen_completion bash >$@.tmp && cat completion/duct.bash >>$@.tmp && mv $@.tmp $@

$(BUILD)/completion/_duct: $(BUILD)/gen_completion completion/duct.zsh
	@mkdir -p $(dir $@)
	$(BUILD)/gen_completion zsh >$@.tmp && cat completion/duct.zsh >>$@.tmp && mv $@.tmp $@

# The man page's address and option lists come from the tables (docs/gen_man.c).
$(BUILD)/tests/gen_man: docs/gen_man.c $(BUILD)/libduct.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libduct.a $(LDLIBS)

man-update: $(BUILD)/tests/gen_man
	$(BUILD)/tests/gen_man docs/duct.1

# The layering rules of src/LAYERS (which folder may include which).
deps-check:
	sh tests/lib/deps_check.sh src

# tests/lib/prove_skips.pl runs them as `prove -j2 -f` does and ends with one line that counts
# the skipped tests and gives their reasons.
check: deps-check all unit
	DUCT=$(abspath $(BUILD)/duct) UNIT_DIR=$(abspath $(BUILD)/tests) perl tests/lib/prove_skips.pl tests/*.t

# Leak detection stays off for the whole suite: like socat, duct leaves what lives until exit
# (a listener's option templates, the parsed plan) to exit(), and error paths exit without
# unwinding; LeakSanitizer would flag each. Leaks that matter are checked where they matter:
# every fuzz target runs with LeakSanitizer per input (make fuzz-smoke), tests/fault_sessions.t
# checks that 1,000 more sessions grow neither fds nor RSS, and valgrind memcheck runs a
# subset (tests/fault_valgrind.t). `make asan ASAN_RUN_OPTIONS=detect_leaks=1:...` to look.
ASAN_RUN_OPTIONS ?= detect_leaks=0:abort_on_error=1
asan:
	$(MAKE) BUILD=build-asan CC=clang OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-pie -Wl,-z,relro,-z,now -fsanitize=address,undefined" HARDEN="-fstack-protector-strong -fPIE" all unit
	ASAN_OPTIONS=$(ASAN_RUN_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1 \
	    DUCT=$(abspath build-asan/duct) UNIT_DIR=$(abspath build-asan/tests) prove -j2 -f tests/*.t

# ---- fuzzing: libFuzzer targets for the parsers of untrusted input ------------------------
# `make fuzz`: every fuzz/*_fuzz.c as a libFuzzer binary in build-fuzz/ (clang, ASan+UBSan),
# linked against the library built with coverage instrumentation (-fsanitize=fuzzer-no-link).
# `make fuzz-smoke`: each target FUZZ_SECS (30) s from its seeds in fuzz/corpus/<name>/, FUZZ_JOBS
# (2) at a time; the seeds are only read (new inputs go to a scratch dir), a crash fails the run
# and leaves crash-* in build-fuzz/artifacts/<name>/.
FUZZ_BUILD   := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRCS    := $(sort $(wildcard fuzz/*_fuzz.c))
FUZZ_NAMES   := $(FUZZ_SRCS:fuzz/%_fuzz.c=%)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/%_fuzz)
FUZZ_SECS    ?= 30
FUZZ_JOBS    ?= 2
FUZZ_LIBFLAGS = BUILD=$(FUZZ_BUILD) CC=clang OPT="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
                HARDEN="-fPIE" LDFLAGS="-pie $(FUZZ_SAN)"

fuzz:
	$(MAKE) $(FUZZ_LIBFLAGS) $(FUZZ_BUILD)/libduct.a
	$(MAKE) $(FUZZ_LIBFLAGS) $(FUZZ_BINS)

$(FUZZ_BUILD)/%_fuzz: fuzz/%_fuzz.c $(FUZZ_BUILD)/libduct.a
	clang $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -Isrc -o $@ $< $(FUZZ_BUILD)/libduct.a $(LDLIBS)

fuzz-smoke: fuzz
	FUZZ_SECS=$(FUZZ_SECS) FUZZ_JOBS=$(FUZZ_JOBS) fuzz/smoke $(FUZZ_NAMES)

bench: all
	bench/run

# The links socat, nc, netcat, ncat, ss -> duct go to $(PREFIX)/lib/duct/bin, off the PATH (never
# in bin/, where they would shadow the real programs); PATH=$(PREFIX)/lib/duct/bin:$PATH makes
# duct answer to those names.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/duct $(DESTDIR)$(PREFIX)/bin/duct
	install -m 0644 $(BUILD)/duct.1 $(DESTDIR)$(PREFIX)/share/man/man1/duct.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0644 $(BUILD)/completion/duct.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/duct
	install -m 0644 $(BUILD)/completion/_duct $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_duct
	install -d $(DESTDIR)$(PREFIX)/lib/duct/bin
	for n in $(COMPAT_NAMES); do ln -sfn ../../../bin/duct $(DESTDIR)$(PREFIX)/lib/duct/bin/$$n || exit 1; done

# The Debian package: dpkg-buildpackage writes to the parent directory; the .deb files, the
# .buildinfo and the .changes are moved to $(DEB_OUT). Builds in build-deb/ (debian/rules).
DEB_OUT ?= $(BUILD)/deb
deb:
	dpkg-buildpackage -b -us -uc
	@mkdir -p $(DEB_OUT)
	@changes=../duct_$$(dpkg-parsechangelog -S Version)_$$(dpkg-architecture -qDEB_HOST_ARCH).changes; \
	files=$$(sed -n '/^Files:/,/^[^ ]/s/^ .* \([^ ]*\)$$/\1/p' "$$changes"); \
	for f in $$files; do mv "../$$f" $(DEB_OUT)/ || exit 1; done; \
	mv "$$changes" $(DEB_OUT)/; \
	for f in $$files; do case $$f in *.deb) echo "$(DEB_OUT)/$$f";; esac; done

clean:
	rm -rf build build-asan build-fuzz

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)
