import Glibc

/// The machine or a resource limit refuses what a run needs: a thread, or enough open files.
/// Status 71 (EX_OSERR), with the limit named so the user knows which `ulimit` to raise.
public struct ResourceError: NNPipeError {
    public var problem: String

    public init(_ problem: String) { self.problem = problem }

    /// A thread could not start (`pthread_create` failed with `code`).
    public static func threads(errno code: Int32) -> ResourceError {
        var limit = ""
        var virtual = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &virtual) == 0, virtual.rlim_cur != rlim_t.max {
            limit = " (the virtual memory limit, ulimit -v, is \(virtual.rlim_cur / 1024) KiB)"
        }
        return ResourceError("cannot start a thread: \(String(cString: strerror(code)))\(limit); raise ulimit -v or ulimit -u")
    }

    /// A library could not allocate its state (`what` says which and for what).
    public static func outOfMemory(_ what: String) -> ResourceError {
        ResourceError("out of memory: \(what); raise ulimit -v or free memory")
    }

    public var message: String { problem }
    public var exitStatus: ExitStatus { .osError }
}
