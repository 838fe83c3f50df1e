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

/// Checks made before a run starts any thread or opens any file.
public enum ProcessResources {
    /// Open files a run needs at most: the standard streams, the pipeline and model files, an
    /// input, the output, rejects and stats files with their temporary files, and Dispatch's own.
    public static let filesNeeded: rlim_t = 24

    /// Raises the soft open-file limit towards the hard one when it is below ``filesNeeded``;
    /// throws when even the hard limit is too low.
    public static func ensureOpenFiles() throws(ResourceError) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < filesNeeded else { return }
        if limit.rlim_max == rlim_t.max || limit.rlim_max >= filesNeeded {
            var raised = limit
            raised.rlim_cur = filesNeeded
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { return }
        }
        throw ResourceError("too many open files: nnpipe needs up to \(filesNeeded) open files and the limit (ulimit -n) is \(limit.rlim_cur); raise it")
    }

    /// Checks that `count` threads can run at once, as a run starts them (its workers, and
    /// Dispatch's for the writer's queue, the progress timer and the signal watch): under a low
    /// virtual memory or process limit they cannot, and Dispatch would wait for one forever. Each probe thread waits to read a pipe whose writing end is closed once all have
    /// started (no cancellation: ThreadSanitizer reports a thread cancelled inside a wait).
    public static func ensureThreads(_ count: Int) throws(ResourceError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw ResourceError("cannot make a pipe: \(String(cString: strerror(errno))) (ulimit -n)")
        }
        var threads: [pthread_t] = []
        defer {
            close(ends[1])
            for thread in threads { pthread_join(thread, nil) }
            close(ends[0])
        }
        // The reading end travels as the thread's argument (plus one, so it is never null).
        let argument = UnsafeMutableRawPointer(bitPattern: Int(ends[0]) + 1)
        for _ in 0..<count {
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { argument in
                var byte: UInt8 = 0
                let descriptor = Int32(Int(bitPattern: argument) - 1)
                while read(descriptor, &byte, 1) < 0 && errno == EINTR {}
                return nil
            }, argument)
            guard status == 0 else { throw ResourceError.threads(errno: status) }
            threads.append(thread)
        }
    }
}

/// Standard input, output and error as nnpipe found them at start.
public enum StandardStreams {
    /// The standard descriptors that were closed when nnpipe started (`>&-`, `<&-`).
    public nonisolated(unsafe) private(set) static var closed: Set<Int32> = []

    /// Notes which of descriptors 0, 1 and 2 are closed, and opens /dev/null on each, so that no
    /// file nnpipe opens later takes its number and is mistaken for a standard stream. Called
    /// once, first thing, before any other thread starts.
    public static func occupyClosed() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            closed.insert(descriptor)
            _ = open("/dev/null", O_RDWR)  // the lowest free number: this one
        }
    }

    /// `standard output`, for messages.
    public static func name(_ descriptor: Int32) -> String {
        switch descriptor {
        case 0: "standard input"
        case 1: "standard output"
        case 2: "standard error"
        default: "descriptor \(descriptor)"
        }
    }
}
