#ifndef NNPIPE_FILESYNC_H
#define NNPIPE_FILESYNC_H

// Linux's sync_file_range, which Swift's Glibc module does not expose (it needs _GNU_SOURCE).
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>

/// Starts writing back `length` bytes at `offset` of `fd` to the disk without waiting for them,
/// so that a later fsync has little left to do. Returns 0, or -1 with errno set.
static inline int CFileSync_start_writeback(int fd, long long offset, long long length) {
    return sync_file_range(fd, (off64_t)offset, (off64_t)length, SYNC_FILE_RANGE_WRITE);
}

#endif
