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
    /// Steps of niceness the workers take above the process's.
    static let steps: Int32 = 3

    /// Lowers the calling thread's priority: on Linux the nice value belongs to each thread, and
    /// `setpriority(PRIO_PROCESS, 0, …)` sets the calling thread's alone. Raising niceness needs no
    /// privilege; a failure changes nothing.
    static func lower() {
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        if current == -1 && errno != 0 { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(current + steps, 19))
    }
}
