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

/* Puts the calling thread under SCHED_IDLE (idle != 0), where it runs only on a processor no other
   thread wants, or back under SCHED_OTHER. Neither needs a privilege on Linux (leaving SCHED_IDLE
   needs only a niceness that RLIMIT_NICE allows, which the thread's own always is). Returns 0 on
   success. */
#if defined(__linux__)
#include <sched.h>
#endif

static inline int CCPU_set_thread_idle(int idle) {
#if defined(__linux__)
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
    struct sched_param param = { 0 };
    return sched_setscheduler(0, idle ? SCHED_IDLE : SCHED_OTHER, &param);
#else
    return -1;
#endif
}

/* The calling thread's scheduling policy (SCHED_OTHER is 0), or -1. */
static inline int CCPU_thread_policy(void) {
#if defined(__linux__)
    return sched_getscheduler(0);
#else
    return -1;
#endif
}
