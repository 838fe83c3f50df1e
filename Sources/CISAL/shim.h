#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

/* The level buffer ISA-L's deflate needs at levels 1-3 (the size macros are expressions Swift
   cannot import). */
static inline unsigned int CISAL_level_buffer_size(int level) {
    switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    default: return ISAL_DEF_LVL3_DEFAULT;
    }
}

/* Whether a deflate stream has written its whole output, trailer included. */
static inline int CISAL_deflate_finished(const struct isal_zstream *stream) {
    return stream->internal_state.state == ZSTATE_END;
}
