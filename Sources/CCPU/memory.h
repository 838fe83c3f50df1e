/* Heap settings Swift's Glibc module does not expose (malloc.h is not part of it). */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Keeps freed memory of up to `mmap_threshold` bytes a block in the heap for reuse, instead of
   giving it back to the system and taking it again: each chunk's buffers (about a megabyte)
   would otherwise be fresh pages every time, a page fault per 4 KiB. glibc only: mallopt's
   M_MMAP_THRESHOLD (blocks below it come from the heap; setting it also stops glibc from moving
   it) and M_TRIM_THRESHOLD (the free top of the heap kept before trimming). */
static inline void CCPU_keep_freed_memory(int mmap_threshold, int trim_threshold) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
#endif
}
