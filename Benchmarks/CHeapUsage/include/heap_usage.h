#ifndef CHORUS_HEAP_USAGE_H
#define CHORUS_HEAP_USAGE_H
#include <stddef.h>

/// Bytes malloc has handed out and not had back (glibc's mallinfo2: small
/// blocks in use plus mmapped ones); 0 where mallinfo2 does not exist.
size_t chorus_heap_in_use(void);

#endif
