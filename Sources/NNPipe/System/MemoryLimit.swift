import Glibc

/// What the address-space limit (`ulimit -v`) leaves for one more allocation, so that a model
/// file's declared sizes are checked before the memory is asked for: the Swift runtime stops the
/// process (SIGABRT, a backtrace) when an allocation fails.
enum MemoryLimit {
    /// Bytes the process may still map under `RLIMIT_AS`, nil when there is no limit.
    static var bytesLeft: Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return max(0, Int(clamping: limit.rlim_cur) - mappedBytes)
    }

    /// The process's mapped bytes now (the first field of `/proc/self/statm`, in pages).
    private static var mappedBytes: Int {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        let pages = buffer[..<count].prefix { $0 >= 0x30 && $0 <= 0x39 }.reduce(0) { $0 &* 10 &+ Int($1 - 0x30) }
        return pages &* sysconf(Int32(_SC_PAGESIZE))
    }

    /// The error for `bytes` about to be allocated for `what` when the limit leaves less than
    /// that (with a margin for the work after it), else nil.
    static func modelError(allocating bytes: Int, for what: String) -> ModelError? {
        guard let left = bytesLeft, bytes > left - (left / 8) else { return nil }
        var error = ModelError("\(what) needs \(bytes) bytes of memory, more than the address-space limit (ulimit -v \(limitKiB) KiB) leaves (\(left) bytes): raise ulimit -v")
        error.status = .software
        return error
    }

    private static var limitKiB: UInt64 {
        var limit = rlimit()
        _ = getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        return UInt64(limit.rlim_cur) / 1024
    }
}
