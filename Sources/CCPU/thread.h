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
   thread wants, or back under SCHED_OTHER. Entering needs no privilege; leaving needs CAP_SYS_NICE
   or an RLIMIT_NICE that allows the thread's niceness (see CCPU_nice_limit). Returns 0 on
   success. */
#if defined(__linux__)
#include <sched.h>
#include <sys/resource.h>
#endif

/* RLIMIT_NICE's soft limit (20 - the lowest niceness a thread may ask for), -1 when unlimited,
   -2 when it cannot be read. */
static inline long CCPU_nice_limit(void) {
#if defined(__linux__)
    struct rlimit limit;
    if (getrlimit(RLIMIT_NICE, &limit) != 0) return -2;
    return limit.rlim_cur == RLIM_INFINITY ? -1 : (long)limit.rlim_cur;
#else
    return -2;
#endif
}

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
