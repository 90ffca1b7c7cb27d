# libcap, for privdrop.c. Included by the Makefile (after BUILD and MUSL_CC).
#
# The glibc build and the unit tests link Debian's libcap (libcap-dev).
# The static build links a libcap.a compiled with musl-gcc from Debian's
# source package (Debian's own libcap.a wants glibc): built once by
# scripts/build-libcap-musl.sh and cached under $(LIBCAP_CACHE).

CGINIT_CACHE_DIR ?= $(BUILD)/cache
LIBCAP_CACHE     := $(CGINIT_CACHE_DIR)/libcap-musl
LIBCAP_MUSL_A    := $(LIBCAP_CACHE)/libcap.a
LIBCAP_MUSL_INC  := -I$(LIBCAP_CACHE)/include
# Debian's libcap.a into the glibc build too: one shared library less to
# load at every start (measured: start-up level with tini instead of 15%
# behind it).
CAP_LIBS         := -Wl,-Bstatic -lcap -Wl,-Bdynamic

# No prerequisites: once cached it is never rebuilt (rm -rf the cache dir,
# or `make libcap-clean`, to fetch and build it again).
$(LIBCAP_MUSL_A):
	CGINIT_CACHE_DIR='$(CGINIT_CACHE_DIR)' CGINIT_BUILD_DIR='$(BUILD)' \
	MUSL_CC='$(MUSL_CC)' sh scripts/build-libcap-musl.sh

.PHONY: libcap-musl libcap-clean
libcap-musl: $(LIBCAP_MUSL_A)

libcap-clean:
	rm -rf '$(LIBCAP_CACHE)' '$(BUILD)/apt' '$(BUILD)/libcap-src'
