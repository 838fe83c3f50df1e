/* The calling thread's name, as top, ps -L and perf show it. Swift's Glibc module does not expose
   pthread_setname_np (a GNU extension) and cannot call prctl (variadic). Linux keeps at most 15
   bytes; a longer name is cut. Returns 0 on success. */
#if defined(__linux__)
#include <sys/prctl.h>
#endif

static inline int CCPU_set_thread_name(const char *name) {
#if defined(__linux__)
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
#else
    return -1;
#endif
}

/* Copies the calling thread's name into buffer, which must hold 16 bytes. Returns 0 on success. */
static inline int CCPU_thread_name(char *buffer) {
#if defined(__linux__)
    return prctl(PR_GET_NAME, (unsigned long)buffer, 0, 0, 0);
#else
    return -1;
#endif
}
