import CCPU
import Foundation
import Glibc

/// The workers' scheduling priority, a little below the reader's, and the names of a run's threads.
///
/// The reader (inflate and record splitting) is the run's sequential part; the workers are many.
/// With as many workers as processors, a fair scheduler gives the reader one share among
/// `workers + 1`: on 2 processors two thirds of one, which made the reader the bound of a run
/// whose reading alone needs most of a processor. Three steps of niceness (a weight of 526 against
/// the reader's 1024) give the reader a whole processor whenever it has work, and the workers
/// every cycle it leaves.
///
/// The workers run as Dispatch work items on threads Dispatch lends: the niceness and the name
/// are set on the executing thread for the work's duration and restored after (on Linux both
/// belong to each thread).
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

    /// Runs `body` on the calling thread named `name` (see ``threadName(_:)``) and, when
    /// `niceness` is given and nicer than the thread's own, at that niceness; both are restored
    /// afterwards. Raising niceness needs no privilege; lowering it back needs CAP_SYS_NICE or an
    /// RLIMIT_NICE that allows it, so without them the thread stays nicer after the work and
    /// later Dispatch work on it (a decoder's part, the writer) runs at the workers' niceness: a
    /// failure changes nothing but the scheduling.
    static func running<Result>(as name: String, niceness: Int32?, _ body: () -> Result) -> Result {
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let readable = !(current == -1 && errno != 0)
        let lowered = readable && niceness.map { current < $0 } == true
        if lowered, let niceness { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
        // Named after the niceness is set and renamed before it is restored: a thread that top
        // shows under the name runs at the niceness.
        var previousName = [CChar](repeating: 0, count: 16)
        let hadName = CCPU_thread_name(&previousName) == 0
        _ = CCPU_set_thread_name(threadName(name))
        defer {
            if hadName { _ = CCPU_set_thread_name(previousName) }
            if lowered { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, current) }
        }
        return body()
    }

    /// Runs `body` on the calling thread named `name`, under Linux's SCHED_IDLE policy: it gets a
    /// processor only when no other thread of any process wants it. For work that only pays on a
    /// processor that would be idle anyway (a speculative decoder's region: the reading thread
    /// could inflate it at less CPU). The policy is restored afterwards; where it could not be
    /// (``canLeaveIdle``), it is not set and `body` runs as it is.
    static func runningWhenIdle<Result>(as name: String, _ body: () -> Result) -> Result {
        let policy = CCPU_thread_policy()
        // Only from the ordinary policy: a thread Dispatch lends under another is left as it is.
        let idle = policy == 0 && canLeaveIdle && CCPU_set_thread_idle(1) == 0
        defer { if idle { _ = CCPU_set_thread_idle(0) } }
        return running(as: name, niceness: nil, body)
    }

    /// Whether a thread put under SCHED_IDLE may be put back: Linux treats SCHED_IDLE as
    /// niceness 20 and lets a thread leave it only with CAP_SYS_NICE or an RLIMIT_NICE that
    /// allows the calling thread's niceness (`ulimit -e`; 0, allowing nothing, by default). A
    /// Dispatch thread left under SCHED_IDLE would starve whatever work it runs next.
    static var canLeaveIdle: Bool {
        errno = 0
        let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        if nice == -1 && errno != 0 { return false }
        let limit = CCPU_nice_limit()
        if limit == -1 || limit >= 20 - Int(nice) { return true }
        return hasSysNice
    }

    /// CAP_SYS_NICE (bit 23) in the process's effective capabilities, as /proc/self/status says.
    private static let hasSysNice: Bool = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16) else {
            return false
        }
        return mask >> 23 & 1 == 1
    }()

    /// `name` as Linux keeps a thread's name, at most 15 bytes: `nnpipe-worker-12` becomes
    /// `nnpipe-wkr-12` (a longer name would not be set at all).
    static func threadName(_ name: String) -> String {
        guard name.utf8.count > 15 else { return name }
        let short = name.hasPrefix("nnpipe-worker-") ? "nnpipe-wkr-" + name.dropFirst(14) : name
        return String(decoding: short.utf8.prefix(15), as: UTF8.self)
    }
}
