/* Inflates a gzip file (every member) with ISA-L, the library nnpipe reads gzip with, checking
   each member's CRC, and prints the bytes inflated: bench/run.py times it as the floor of reading
   the input (one thread, nothing parsed). Built by bench/run.py:
       cc -O2 -o bench/data/isal-inflate bench/isal_inflate.c -lisal */
#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: isal-inflate FILE.gz\n"); return 2; }
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 2; }
    static unsigned char in[1 << 20], out[1 << 20];
    struct inflate_state state;
    isal_inflate_init(&state);
    state.crc_flag = ISAL_GZIP;
    unsigned long long total = 0;
    size_t got;
    while ((got = fread(in, 1, sizeof in, file)) > 0) {
        state.next_in = in;
        state.avail_in = (unsigned)got;
        for (;;) {
            state.next_out = out;
            state.avail_out = sizeof out;
            int status = isal_inflate(&state);
            if (status < 0) { fprintf(stderr, "%s: corrupt gzip (%d)\n", argv[1], status); return 1; }
            total += sizeof out - state.avail_out;
            if (state.block_state == ISAL_BLOCK_FINISH) {
                /* A member ended: another may follow, in this read or the next. */
                unsigned char *next = state.next_in;
                unsigned left = state.avail_in;
                isal_inflate_reset(&state);
                state.crc_flag = ISAL_GZIP;
                state.next_in = next;
                state.avail_in = left;
                if (left == 0) break;
            } else if (state.avail_out != 0 && state.avail_in == 0) {
                break; /* needs more input */
            }
        }
    }
    fclose(file);
    printf("%llu\n", total);
    return 0;
}
