/* zstd's two public headers in one module: zstd.h for the streaming API, zstd_errors.h for
   ZSTD_ErrorCode (the numeric code nnpipe's messages carry beside zstd's error name). */
#include <zstd.h>
#include <zstd_errors.h>
