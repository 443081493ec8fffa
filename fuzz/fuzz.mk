## fuzz/fuzz.mk: the libFuzzer targets (GNU make), built with clang and
## sanitizers apart from the gcc build.  "make fuzz" in a configured tree
## runs it with the paths and flags configure found (mk/fuzz.am).

FUZZ_CC = clang
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SANITIZE)
srcdir = .
# Set by mk/fuzz.am from configure's findings, as the gcc build has them.
pkglibexecdir = /usr/local/libexec/hx
bindir = /usr/local/bin
pkglibdir = /usr/local/lib/hx
pkgdatadir = /usr/local/share/hx
abs_top_srcdir = $(abspath $(srcdir))
abs_top_builddir = $(abspath .)
HX_WARN_CFLAGS =
HX_DEP_CFLAGS =
HX_DEP_LIBS =

TARGETS = scan records policy toolchain project tap correlate
TARGETS += offload
# hx-sched's readers and planner (fuzz/fuzz-sched.c), and its pinned node
# manifests (fuzz/fuzz-nodemanifest.c).
TARGETS += sched nodemanifest

OBJ = fuzz/obj
# Every module of lib/, in one archive: a target links only what it uses.
# The QEMU plugin is no part of lib/ and is never built here.
LIB_SOURCES = $(wildcard $(srcdir)/lib/*.c $(srcdir)/lib/*/*.c)
LIB_OBJECTS = $(patsubst $(srcdir)/%.c,$(OBJ)/%.o,$(LIB_SOURCES))
CPPFLAGS_ALL = -DHAVE_CONFIG_H -I. -I$(srcdir)/lib -I$(srcdir)/fuzz \
	-DHX_LIBEXECDIR='"$(pkglibexecdir)"' -DHX_BINDIR='"$(bindir)"' \
	-DHX_PKGLIBDIR='"$(pkglibdir)"' -DHX_PKGDATADIR='"$(pkgdatadir)"' \
	-DHX_ABS_SRCDIR='"$(abs_top_srcdir)"' \
	-DHX_ABS_BUILDDIR='"$(abs_top_builddir)"'

all: $(OBJ)/libfuzzer-links $(TARGETS:%=fuzz/fuzz-%) seeds

# Stop first, naming the packages, when clang cannot link libFuzzer.
$(OBJ)/libfuzzer-links:
	@mkdir -p $(@D)
	@printf 'int LLVMFuzzerTestOneInput(const char *d, long n) '\
	'{ return 0; }\n' >$(OBJ)/probe.c
	@$(FUZZ_CC) -fsanitize=fuzzer -o $(OBJ)/probe $(OBJ)/probe.c || { \
	    echo "make fuzz: $(FUZZ_CC) cannot link libFuzzer: install" \
	        "the Debian packages clang and libclang-rt-14-dev" >&2; \
	    exit 1; }
	@touch $@

$(OBJ)/%.o: $(srcdir)/%.c | $(OBJ)/libfuzzer-links
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    $(HX_WARN_CFLAGS) $(HX_DEP_CFLAGS) -MMD -MP -c -o $@ $<

$(OBJ)/libhx-fuzz.a: $(LIB_OBJECTS)
	rm -f $@
	ar rcs $@ $(LIB_OBJECTS)

fuzz/fuzz-%: $(OBJ)/fuzz/fuzz-%.o $(OBJ)/fuzz/fuzz.o $(OBJ)/libhx-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(HX_DEP_LIBS)

# Seed corpora drawn from the test suite's fixtures, fresh each time.
seeds:
	rm -rf fuzz/seeds
	$(SHELL) $(srcdir)/fuzz/seed $(srcdir) fuzz/seeds

.PHONY: all seeds
.SECONDARY:
-include $(LIB_OBJECTS:.o=.d) $(TARGETS:%=$(OBJ)/fuzz/fuzz-%.d) \
	$(OBJ)/fuzz/fuzz.d
