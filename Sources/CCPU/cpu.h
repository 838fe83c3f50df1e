/* Processor-state helpers Swift cannot express (see also fields.h). */
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* Whether the CPU has AVX (CPUID.1:ECX bit 28) and the OS saves its state (OSXSAVE, bit 27).
   CPUID traps to the hypervisor in a virtual machine (about 10 microseconds measured): ask once
   and keep the answer (CPUFeatures.hasAVX). */
static inline int CCPU_has_avx(void) {
    unsigned int eax, ebx, ecx, edx;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 28)) && (ecx & (1u << 27));
}

/* vzeroupper marks the upper halves of the vector registers clean, so legacy-SSE code mixed with
   AVX code (ISA-L, libm) runs without transition penalties. Only where CCPU_has_avx() says so. */
static inline void CCPU_vzeroupper(void) {
    __asm__ volatile("vzeroupper" ::: "memory");
}
#else
static inline int CCPU_has_avx(void) { return 0; }
static inline void CCPU_vzeroupper(void) {}
#endif

/* Whether the CPU has AVX2 and the OS saves its state. Ask once (CPUFeatures.hasAVX2). */
static inline int CCPU_has_avx2(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27)) || !(ecx & (1u << 28))) return 0;
    unsigned int xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx >> 5) & 1;
#else
    return 0;
#endif
}

/* The OpenBLAS kernel family this CPU runs best: 2 for SkylakeX (AVX-512 F, DQ, BW, VL with OS
   support for their state), 1 for Haswell (AVX2 and FMA), 0 to let OpenBLAS choose. */
static inline int CCPU_openblas_kernel_family(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!(osxsave && avx)) return 0;
    unsigned int xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 0x6) != 0x6) return 0; /* the OS saves SSE and AVX state */
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int avx2 = (ebx >> 5) & 1;
    int avx512 = ((ebx >> 16) & 1) && ((ebx >> 17) & 1) && ((ebx >> 30) & 1) && ((ebx >> 31) & 1);
    if (avx512 && (xcr0_lo & 0xE0) == 0xE0) return 2; /* opmask and ZMM state saved */
    if (avx2 && fma) return 1;
#endif
    return 0;
}
