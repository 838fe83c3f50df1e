/* Cutting CSV text into chunks at line feeds, 64 bytes a step with AVX2 or SSE2 (see
   RecordSplitter). */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Where CCPU_cut_at_line_feed stopped. */
typedef struct {
    /* Just after the line feed the chunk ends at; -1 when no line feed in the bytes qualifies, or
       when `plain` is 0. */
    long end;
    /* Line feeds before `end` (before `length` when `end` is -1). */
    long line_feeds;
    /* 0 when the bytes before `end` hold a quote, or a line feed followed by a carriage return or
       another line feed (a blank line, or a record that starts with a carriage return): such text
       needs the record scanner; the scan stops at the first such byte. */
    int plain;
} CCPU_line_cut;

/* One 64-byte step of CCPU_cut_at_line_feed, from the masks of its line feeds, carriage returns and
   quotes (bit j: byte j). Returns 1 when the scan is over. */
static inline int CCPU_cut_step(CCPU_line_cut *cut, long i, unsigned long long lf, unsigned long long cr,
                                unsigned long long q, long max_line_feeds, long min_end, unsigned long long *carry) {
    /* Bit j: byte j is a carriage return or line feed and byte j - 1 a line feed. */
    unsigned long long blank = ((lf << 1) | *carry) & (lf | cr);
    unsigned long long stop = 0;
    long found = __builtin_popcountll(lf);
    if (cut->line_feeds + found >= max_line_feeds) {
        unsigned long long m = lf;
        for (long r = max_line_feeds - cut->line_feeds - 1; r > 0; r--) m &= m - 1;
        stop = m & (~m + 1);
    }
    if (min_end - 1 < i + 64) {
        long from = min_end - 1 - i;
        unsigned long long late = lf & (from <= 0 ? ~0ULL : ~0ULL << from);
        late &= ~late + 1;
        if (late && (!stop || late < stop)) stop = late;
    }
    unsigned long long within = stop ? (stop | (stop - 1)) : ~0ULL;
    unsigned long long odd = (q | blank) & within;
    if (odd) {
        cut->plain = 0;
        cut->line_feeds += __builtin_popcountll(lf & ((odd & (~odd + 1)) - 1));
        return 1;
    }
    if (stop) {
        cut->line_feeds += __builtin_popcountll(lf & within);
        cut->end = i + __builtin_ctzll(stop) + 1;
        return 1;
    }
    cut->line_feeds += found;
    *carry = lf >> 63;
    return 0;
}

#if defined(__x86_64__)
#include <immintrin.h>
/* The 64-byte steps with AVX2 (two loads a step instead of four): where CCPU_has_avx2() says so. */
__attribute__((target("avx2")))
static inline long CCPU_cut_steps_avx2(CCPU_line_cut *cut, const unsigned char *bytes, long length, long max_line_feeds,
                                       long min_end, unsigned char quote, unsigned long long *carry) {
    const __m256i lfs = _mm256_set1_epi8('\n');
    const __m256i crs = _mm256_set1_epi8('\r');
    const __m256i quotes = _mm256_set1_epi8((char)quote);
    long i = 0;
    while (i + 64 <= length) {
        __m256i low = _mm256_loadu_si256((const __m256i *)(bytes + i));
        __m256i high = _mm256_loadu_si256((const __m256i *)(bytes + i + 32));
#define CCPU_MASK64(set) ((unsigned long long)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, set)) \
                          | (unsigned long long)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, set)) << 32)
        if (CCPU_cut_step(cut, i, CCPU_MASK64(lfs), CCPU_MASK64(crs), CCPU_MASK64(quotes), max_line_feeds, min_end, carry))
            return -1;
#undef CCPU_MASK64
        i += 64;
    }
    return i;
}
#endif

/* CCPU_cut_at_line_feed a line at a time with memchr, for processors without SSE2 (libc's memchr
   uses their vector unit). */
static inline CCPU_line_cut CCPU_cut_lines(const unsigned char *bytes, long length, long max_line_feeds,
                                           long min_end, unsigned char quote, int previous_was_line_feed) {
    CCPU_line_cut cut = { -1, 0, 1 };
    long i = 0;
    int carry = previous_was_line_feed;
    while (i < length) {
        if (carry && (bytes[i] == '\n' || bytes[i] == '\r')) {
            cut.plain = 0;
            return cut;
        }
        const unsigned char *lf = (const unsigned char *)memchr(bytes + i, '\n', (size_t)(length - i));
        long line_end = lf ? (long)(lf - bytes) : length;
        if (memchr(bytes + i, quote, (size_t)(line_end - i))) {
            cut.plain = 0;
            return cut;
        }
        if (!lf) break;
        cut.line_feeds++;
        i = line_end + 1;
        carry = 1;
        if (cut.line_feeds >= max_line_feeds || i >= min_end) {
            cut.end = i;
            return cut;
        }
    }
    return cut;
}

/* Scans `length` bytes for the line feed a chunk ends at: the `max_line_feeds`-th one, or the
   first at index `min_end - 1` or later, whichever comes first. In text without quotes and
   blank lines every line feed ends a record, so the records before `end` number `line_feeds`.
   `previous_was_line_feed`: whether the byte before `bytes` was a line feed. `vector`: 2 for
   AVX2 (where CCPU_has_avx2 says so), 1 for SSE2, 0 for a line at a time (CCPU_cut_lines, also
   where the processor has no SSE2). */
static inline CCPU_line_cut CCPU_cut_at_line_feed(const unsigned char *bytes, long length, long max_line_feeds,
                                                  long min_end, unsigned char quote, int previous_was_line_feed,
                                                  int vector) {
#if defined(__SSE2__)
    if (vector == 0) return CCPU_cut_lines(bytes, length, max_line_feeds, min_end, quote, previous_was_line_feed);
    CCPU_line_cut cut = { -1, 0, 1 };
    long i = 0;
    unsigned long long carry = previous_was_line_feed ? 1 : 0;
#if defined(__x86_64__)
    if (vector == 2) {
        i = CCPU_cut_steps_avx2(&cut, bytes, length, max_line_feeds, min_end, quote, &carry);
        if (i < 0) return cut;
    }
#endif
    const __m128i lfs = _mm_set1_epi8('\n');
    const __m128i crs = _mm_set1_epi8('\r');
    const __m128i quotes = _mm_set1_epi8((char)quote);
    while (i + 64 <= length) {
        unsigned long long lf = 0, cr = 0, q = 0;
        for (int part = 0; part < 4; part++) {
            __m128i block = _mm_loadu_si128((const __m128i *)(bytes + i + 16 * part));
            lf |= (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, lfs)) << (16 * part);
            cr |= (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, crs)) << (16 * part);
            q |= (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, quotes)) << (16 * part);
        }
        if (CCPU_cut_step(&cut, i, lf, cr, q, max_line_feeds, min_end, &carry)) return cut;
        i += 64;
    }
    for (; i < length; i++) {
        unsigned char byte = bytes[i];
        if (byte == quote || (carry && (byte == '\n' || byte == '\r'))) {
            cut.plain = 0;
            return cut;
        }
        carry = byte == '\n';
        if (carry) {
            cut.line_feeds++;
            if (cut.line_feeds >= max_line_feeds || i + 1 >= min_end) {
                cut.end = i + 1;
                return cut;
            }
        }
    }
    return cut;
#else
    (void)vector;
    return CCPU_cut_lines(bytes, length, max_line_feeds, min_end, quote, previous_was_line_feed);
#endif
}

/* The index of the last line feed in `length` bytes, or -1. */
static inline long CCPU_last_line_feed(const unsigned char *bytes, long length) {
    for (long i = length - 1; i >= 0; i--) {
        if (bytes[i] == '\n') return i;
    }
    return -1;
}

/* The ends (the index after each line feed) of the first `count` lines of `length` bytes, into
   `ends`; returns how many line feeds were found (fewer than `count` when the bytes run out).
   16 bytes a step with SSE2 instead of a memchr call a line: a chunk's records are often 20-40
   bytes, where the call costs more than the scan. */
static inline long CCPU_line_ends(const unsigned char *bytes, long length, long count, long *ends) {
    long found = 0, i = 0;
#if defined(__SSE2__)
    const __m128i lfs = _mm_set1_epi8('\n');
    while (found < count && i + 16 <= length) {
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes + i)), lfs));
        while (mask && found < count) {
            ends[found++] = i + __builtin_ctz(mask) + 1;
            mask &= mask - 1;
        }
        i += 16;
    }
#endif
    for (; found < count && i < length; i++) {
        if (bytes[i] == '\n') ends[found++] = i + 1;
    }
    return found;
}
