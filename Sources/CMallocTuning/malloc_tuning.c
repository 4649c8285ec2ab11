#include "malloc_tuning.h"
#include <stdlib.h> // defines __GLIBC__ on glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define CHORUS_SANITIZER_MALLOC 1
#endif
#endif

#if defined(__GLIBC__) && !defined(CHORUS_SANITIZER_MALLOC)
int chorus_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }
int chorus_release_free_pages(void) { return malloc_trim(0); }
#else
int chorus_limit_malloc_arenas(int count) { (void)count; return 0; }
int chorus_release_free_pages(void) { return 0; }
#endif
