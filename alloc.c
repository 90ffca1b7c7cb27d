// SPDX-License-Identifier: MIT
/*
 * A page allocator for the static build, in place of musl's mallocng.
 *
 * cginit allocates a handful of times, all at start-up or at shutdown: the
 * files it reads whole (mountinfo, /proc/self/cgroup, cgroup.procs, the
 * user database) and libcap's capability sets. mallocng is 8.5 KB of the
 * static binary, more than the whole signal loop, and keeps its own
 * metadata pages resident. Here each block is one anonymous mapping: the
 * kernel zeroes it, free gives it back at once, and realloc lets mremap
 * grow it. The cost, one mmap per allocation, is paid a few dozen times in
 * the life of the process. The glibc build keeps libc's malloc, so that
 * ASan and valgrind see every allocation.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* The header before each block: the size of its mapping. 16 bytes keep
 * the block aligned for any type, as malloc must. */
#define HEADER 16
#define PAGE 4096

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);

static size_t mapping_size(size_t n)
{
	if (n > SIZE_MAX - HEADER - PAGE)
		return 0;
	return (n + HEADER + PAGE - 1) & ~(size_t)(PAGE - 1);
}

static size_t *header_of(void *p)
{
	return (size_t *)(void *)((char *)p - HEADER);
}

void *malloc(size_t n)
{
	size_t len = mapping_size(n);
	if (!len) {
		errno = ENOMEM;
		return NULL;
	}
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL; /* errno is ENOMEM */
	*(size_t *)m = len;
	return (char *)m + HEADER;
}

void free(void *p)
{
	if (!p)
		return;
	size_t *h = header_of(p);
	int saved = errno; /* free must not change errno */
	munmap(h, *h);
	errno = saved;
}

void *calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	/* Anonymous mappings come zeroed. malloc(0) must still give a
	 * pointer that free takes: one page, like any small block. */
	size_t n = count * size;
	return malloc(n ? n : 1);
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	size_t *h = header_of(p);
	size_t len = mapping_size(n);
	if (!len) {
		errno = ENOMEM;
		return NULL;
	}
	if (len <= *h)
		return p;
	void *m = mremap(h, *h, len, MREMAP_MAYMOVE);
	if (m == MAP_FAILED)
		return NULL; /* p is left as it was, as realloc must */
	*(size_t *)m = len;
	return (char *)m + HEADER;
}
