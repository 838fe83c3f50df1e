/* Splitting a CSV record on its delimiter with SSE2 compares, which Swift cannot express. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Splits a record's `length` bytes (its line terminator already cut off) on `delimiter`: the
   start and length of each field go to `starts` and `lengths`, up to `capacity` fields. Returns
   the number of fields (also past `capacity`, so that a caller can grow its arrays to it and
   split again, or ask for only the fields it reads and still learn how many there are: past
   `capacity` the delimiters of a step are counted at once), or -1 when the record holds a double
   quote or a carriage return: such a record needs a real CSV parser. Sixteen bytes a step, one
   pass for the three bytes; `readable` (at least `length`) bytes at `record` may be read, which
   lets the last step load sixteen bytes too. Without SSE2, a byte at a time. */
static inline long CCPU_split_fields(const unsigned char *record, long length, long readable,
                                     unsigned char delimiter, const unsigned char **starts,
                                     long *lengths, long capacity) {
    long fields = 0;
    long start = 0;
    long i = 0;
#if defined(__SSE2__)
    const __m128i delimiters = _mm_set1_epi8((char)delimiter);
    const __m128i quotes = _mm_set1_epi8('"');
    const __m128i returns = _mm_set1_epi8('\r');
    while (i < length && i + 16 <= readable) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(record + i));
        unsigned inside = length - i >= 16 ? 0xFFFFu : (1u << (length - i)) - 1;
        unsigned special = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(bytes, quotes), _mm_cmpeq_epi8(bytes, returns)));
        if (special & inside) return -1;
        unsigned found = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delimiters)) & inside;
        while (found) {
            if (fields >= capacity) {
                fields += __builtin_popcount(found);
                break;
            }
            long end = i + __builtin_ctz(found);
            starts[fields] = record + start;
            lengths[fields] = end - start;
            fields++;
            start = end + 1;
            found &= found - 1;
        }
        i += 16;
    }
#endif
    for (; i < length; i++) {
        unsigned char byte = record[i];
        if (byte == '"' || byte == '\r') return -1;
        if (byte == delimiter) {
            if (fields < capacity) {
                starts[fields] = record + start;
                lengths[fields] = i - start;
            }
            fields++;
            start = i + 1;
        }
    }
    if (fields < capacity) {
        starts[fields] = record + start;
        lengths[fields] = length - start;
    }
    return fields + 1;
}
