import Glibc
import NNPipe

/// The signals that stop a run, handled on a thread of nnpipe's own.
///
/// They are blocked in every thread (the mask is set before any other thread starts, and threads
/// inherit it) and taken by one small thread waiting in `sigwait`, which leaves the unfinished
/// outputs for `--resume` (SIGINT, SIGTERM, SIGHUP, when their journals allow it) or removes them,
/// through the run's registry (``OutputRegistry/abandonAll(wait:keepingResumable:)``), says what
/// is on disk and exits 128 + the signal's number. It needs no Dispatch worker, so a signal ends the run even when no more
/// threads can start (`ulimit -v`, `ulimit -u`) or every worker is busy. SIGPIPE is ignored: a
/// closed pipe shows up as a write error.
enum SignalWatcher {
    /// Each stopping signal and how the message names it. SIGQUIT stops like the others (with
    /// its status, 131) rather than dumping a backtrace.
    static let stopping: [(number: Int32, word: String)] = [
        (SIGINT, "interrupted"), (SIGTERM, "terminated"), (SIGHUP, "hung up (SIGHUP)"), (SIGQUIT, "quit (SIGQUIT)"),
        (SIGUSR1, "stopped by SIGUSR1"), (SIGUSR2, "stopped by SIGUSR2"), (SIGALRM, "stopped by SIGALRM"),
    ]

    /// Blocks the stopping signals and starts the watching thread, which cleans up the outputs of
    /// `registry` (the run's); throws (status 71) when the thread cannot start.
    static func install(registry: OutputRegistry) throws(ResourceError) {
        signal(SIGPIPE, SIG_IGN)
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        // A small stack: the watcher only waits, cleans up and exits.
        pthread_attr_setstacksize(&attributes, 256 << 10)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        // The registry reaches the thread as its argument, retained for the thread's life.
        let handle = Unmanaged.passRetained(registry)
        let status = pthread_create(&thread, &attributes, { argument in
            SignalWatcher.watch(Unmanaged<OutputRegistry>.fromOpaque(argument!).takeUnretainedValue())
        }, handle.toOpaque())
        if status != 0 {
            handle.release()
            throw ResourceError.threads(errno: status)
        }
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for (number, _) in stopping { sigaddset(&set, number) }
        return set
    }

    private static func watch(_ registry: OutputRegistry) -> Never {
        var set = signalSet()
        var info = siginfo_t()
        var number: Int32 = -1
        while number < 0 { number = sigwaitinfo(&set, &info) }
        // No progress line redrawn after the message below, nor left on the terminal at exit.
        Terminal.standardError.clearProgress()
        // A request to stop leaves what a later --resume can go on from; other signals clean up.
        let outcome = registry.abandonAll(keepingResumable: [SIGINT, SIGTERM, SIGHUP].contains(number))
        // The Swift runtime, crashing (a fatal error such as an allocation that failed under
        // `ulimit -v`, already printed), stops the other threads with SIGUSR1 sent from inside
        // the process: that is a failure of nnpipe, not a request to stop.
        if number == SIGUSR1 || number == SIGUSR2, info._sifields._kill.si_pid == getpid() {
            Terminal.message("stopped by an internal failure (the line above says which); \(outcome.text)", level: .error,
                             metadata: ["exit_status": .stringConvertible(Int(ExitStatus.software.rawValue))])
            _exit(ExitStatus.software.rawValue)
        }
        let word = stopping.first { $0.number == number }?.word ?? "stopped by signal \(number)"
        Terminal.message("\(word); \(outcome.text)", level: .error,
                         metadata: ["exit_status": .stringConvertible(Int(128 + number))])
        _exit(128 + number)
    }
}
