/* Processor-state helpers Swift cannot express. */
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* vzeroupper marks the upper halves of the vector registers clean, so legacy-SSE code mixed with
   AVX code (ISA-L, libm) runs without transition penalties. Executed only where the CPU has AVX
   (CPUID.1:ECX bit 28) and the OS saves its state (OSXSAVE, bit 27). Called once per chunk or
   per megabyte read, so asking CPUID each time costs nothing measurable and keeps no state. */
static inline void CCPU_clear_upper_vector_state(void) {
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 28)) && (ecx & (1u << 27))) {
        __asm__ volatile("vzeroupper" ::: "memory");
    }
}
#else
static inline void CCPU_clear_upper_vector_state(void) {}
#endif
