/* Heap settings Swift's Glibc module does not expose (malloc.h is not part of it). */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Keeps freed blocks of up to 32 MiB in the heap for reuse, instead of giving them back to the
   system and taking them again: each chunk's buffers (about a megabyte) would otherwise be fresh
   pages every time, a page fault per 4 KiB. glibc only: mallopt's M_MMAP_THRESHOLD (blocks below
   it come from the heap; 32 MiB is the most glibc accepts on 64-bit systems, HEAP_MAX_SIZE / 2;
   setting it also stops glibc from moving it) and M_TRIM_THRESHOLD (the free top of a heap kept
   before trimming). Returns 1 when both took effect, 0 otherwise (nothing changes then but
   speed). */
static inline int CCPU_keep_freed_memory(void) {
#if defined(__GLIBC__)
    int kept = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    if (kept) kept = mallopt(M_TRIM_THRESHOLD, 32 << 20);
    return kept;
#else
    return 0;
#endif
}
