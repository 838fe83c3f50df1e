import Glibc

/// Checks made before a run starts any thread or opens any file.
package enum ProcessResources {
    /// Open files a run needs at most: the standard streams, the pipeline and model files, an
    /// input, the output, rejects and stats files with their temporary files, and Dispatch's own.
    package static let filesNeeded: rlim_t = 24

    /// Raises the soft open-file limit towards the hard one when it is below ``filesNeeded``;
    /// throws when even the hard limit is too low.
    package static func ensureOpenFiles() throws(ResourceError) {
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
    package static func ensureThreads(_ count: Int) throws(ResourceError) {
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
