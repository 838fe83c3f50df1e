import ArgumentParser
import Dispatch
import Glibc
import NNPipe

/// Messages to standard error and the mapping of errors to exit statuses, in one place.
enum Terminal {
    /// Writes one line to standard error (standard output carries only data).
    static func message(_ text: String) { writeLine(text, to: 2) }

    /// Writes one line of a command's report to standard output.
    static func output(_ text: String) { writeLine(text, to: 1) }

    static func writeLine(_ text: String, to descriptor: Int32) {
        var bytes = Array((text + "\n").utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }

    /// Reports `error` and returns the exit code it ends the process with.
    static func exitCode(for error: Error) -> ExitCode {
        if let error = error as? any NNPipeError {
            // A closed output pipe is the reader's choice (`| head`): stop quietly.
            if error.exitStatus != .brokenPipe {
                for line in error.message.split(separator: "\n", omittingEmptySubsequences: false) {
                    message("nnpipe: \(line)")
                }
            }
            return ExitCode(error.exitStatus.rawValue)
        }
        message("nnpipe: \(error)")
        return ExitCode(ExitStatus.ioError.rawValue)
    }

    private nonisolated(unsafe) static var signalSources: [DispatchSourceSignal] = []

    /// SIGPIPE becomes an EPIPE write error (a quiet stop); SIGINT and SIGTERM remove the
    /// temporary outputs, so earlier files at the targets stay as they were, and exit 130 / 143.
    static func installSignalHandlers() {
        signal(SIGPIPE, SIG_IGN)
        for (number, status) in [(SIGINT, ExitStatus.interrupted), (SIGTERM, ExitStatus.terminated)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                TemporaryFiles.removeAll()
                message("nnpipe: \(number == SIGINT ? "interrupted" : "terminated"); no output written")
                _exit(status.rawValue)
            }
            source.resume()
            signalSources.append(source)
        }
    }
}
