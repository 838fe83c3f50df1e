import Glibc

/// The machine or a resource limit refuses what a run needs: a thread, or enough open files.
/// Status 71 (EX_OSERR), with the limit named so the user knows which `ulimit` to raise.
package struct ResourceError: NNPipeError {
    package var problem: String

    package init(_ problem: String) { self.problem = problem }

    /// A thread could not start (`pthread_create` failed with `code`).
    package static func threads(errno code: Int32) -> ResourceError {
        var limit = ""
        var virtual = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &virtual) == 0, virtual.rlim_cur != rlim_t.max {
            limit = " (the virtual memory limit, ulimit -v, is \(virtual.rlim_cur / 1024) KiB)"
        }
        return ResourceError("cannot start a thread: \(String(cString: strerror(code)))\(limit); raise ulimit -v or ulimit -u")
    }

    /// A library could not allocate its state (`what` says which and for what).
    package static func outOfMemory(_ what: String) -> ResourceError {
        ResourceError("out of memory: \(what); raise ulimit -v or free memory")
    }

    package var message: String { problem }
    package var exitStatus: ExitStatus { .osError }
}
