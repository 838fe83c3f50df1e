import Glibc

/// The workers' scheduling priority, a little below the reader's.
///
/// The reader (inflate and record splitting) is one thread and the run's sequential part; the
/// workers are many. With as many workers as processors, a fair scheduler gives the reader one
/// share among `workers + 1`: on 2 processors two thirds of one, which made the reader the bound
/// of a run whose reading alone needs most of a processor. Three steps of niceness (a weight of
/// 526 against the reader's 1024) give the reader a whole processor whenever it has work, and the
/// workers every cycle it leaves.
enum WorkerPriority {
    /// Steps of niceness the workers take above the process's main thread.
    static let steps: Int32 = 3

    /// The niceness for workers: the main thread's plus ``steps`` (at most 19), so that a runner
    /// started from a thread that is already nicer does not add steps again; nil when the main
    /// thread's cannot be read.
    static func workersNiceness() -> Int32? {
        // On Linux, PRIO_PROCESS with the process id reads the main thread's value.
        errno = 0
        let main = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid()))
        if main == -1 && errno != 0 { return nil }
        return min(main + steps, 19)
    }

    /// Sets the calling thread's niceness to `target` unless it is already that nice: on Linux the
    /// nice value belongs to each thread, and `setpriority(PRIO_PROCESS, 0, …)` sets the calling
    /// thread's alone. Raising niceness needs no privilege; a failure changes nothing.
    static func lower(to target: Int32?) {
        guard let target else { return }
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        if current == -1 && errno != 0 { return }
        if current < target { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, target) }
    }
}
