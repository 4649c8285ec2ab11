// glibc malloc knobs the app sets for a long session; each is a no-op
// (returning 0) where the C library is not glibc or a sanitizer replaces
// malloc.
#pragma once

/// mallopt(M_ARENA_MAX, count): at most `count` arenas, whatever the
/// number of threads. Returns 1 when set.
int chorus_limit_malloc_arenas(int count);
/// malloc_trim(0): gives the pages of free chunks in every arena back to
/// the system. Returns 1 when some memory was given back.
int chorus_release_free_pages(void);
