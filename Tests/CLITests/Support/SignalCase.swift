import Glibc
import Testing

/// A signal sent to a run, and the exit status and word of the message it must end with.
struct SignalCase: CustomTestStringConvertible, Sendable {
    var name: String
    var signal: Int32
    var status: Int32
    var word: String
    var testDescription: String { name }
}

/// The signals a user sends most (kill, Ctrl-C).
let signalCases = [
    SignalCase(name: "SIGTERM", signal: SIGTERM, status: 143, word: "terminated"),
    SignalCase(name: "SIGINT", signal: SIGINT, status: 130, word: "interrupted"),
]

/// The other signals that would end the process: each cleans up like SIGTERM, with 128 + N.
let otherSignalCases = [
    SignalCase(name: "SIGHUP", signal: SIGHUP, status: 129, word: "hung up"),
    SignalCase(name: "SIGQUIT", signal: SIGQUIT, status: 131, word: "quit"),
    SignalCase(name: "SIGUSR1", signal: SIGUSR1, status: 138, word: "SIGUSR1"),
    SignalCase(name: "SIGUSR2", signal: SIGUSR2, status: 140, word: "SIGUSR2"),
    SignalCase(name: "SIGALRM", signal: SIGALRM, status: 142, word: "SIGALRM"),
]
