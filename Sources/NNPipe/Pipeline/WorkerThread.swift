import Glibc

/// Starts the workers' threads: `pthread_create` called directly, so that a thread that cannot
/// start is an error the run reports (Foundation's `Thread.start()` on Linux drops
/// `pthread_create`'s status, and the run would wait for the missing worker forever).
enum WorkerThread {
    /// The work a thread runs, carried through `pthread_create`'s argument.
    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts a detached thread running `body`.
    static func start(_ body: @escaping @Sendable () -> Void) throws(ResourceError) {
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            // The argument is the retained `Work` passed below, never null.
            guard let argument else { return nil }
            Unmanaged<Work>.fromOpaque(argument).takeRetainedValue().body()
            return nil
        }, work)
        guard status == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            throw ResourceError.threads(errno: status)
        }
        pthread_detach(thread)
    }
}
