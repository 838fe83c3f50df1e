import ArgumentParser
import Dispatch
import Foundation
import Glibc
import Logging
import NNPipe

/// Messages to standard error and the mapping of errors to exit statuses, in one place.
enum Terminal {
    /// Standard error's one writer: log records and the progress line take turns through it.
    static let standardError = StandardError()

    /// The format chosen by ``LoggingOptions/bootstrap()``.
    nonisolated(unsafe) static var format = LogFormat.text

    /// Whether ``LoggingOptions/bootstrap()`` has run.
    nonisolated(unsafe) static var bootstrapped = false

    /// nnpipe's logger; made at first use, after ``LoggingOptions/bootstrap()`` (or, in a command
    /// without logging options, with the text format at the notice level).
    static let logger: Logger = {
        if !bootstrapped {
            bootstrapped = true
            LoggingSystem.bootstrap { _ in LogRecordHandler(format: .text, logLevel: .notice) }
        }
        return Logger(label: "nnpipe")
    }()

    /// Logs one message (standard output carries only data). In text format a notice or an
    /// error reads `nnpipe: TEXT`.
    static func message(_ text: String, level: Logger.Level = .notice, metadata: Logger.Metadata? = nil) {
        logger.log(level: level, "\(text)", metadata: metadata)
    }

    /// Whether standard output is a terminal, a pipe or a socket: data written there may reach
    /// the terminal, directly or through the program reading it (`| head`, `| less`).
    static let standardOutputMayReachTerminal: Bool = {
        var info = stat()
        guard fstat(1, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return isatty(1) == 1 || type == S_IFIFO || type == S_IFSOCK
    }()

    /// Writes one line of a command's report to standard output.
    static func output(_ text: String) { writeAll(Array((text + "\n").utf8), to: 1) }

    /// Writes all of `bytes` to `descriptor`, retrying after signals; gives up quietly on errors.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
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
                // Several pipeline problems: each line with its own place.
                let parts: [any NNPipeError] = (error as? ConfigErrors).map { many in
                    many.errors + (many.omitted > 0 ? [ConfigErrors([], omitted: many.omitted)] : [])
                } ?? [error]
                for part in parts {
                    var metadata: Logger.Metadata = ["exit_status": .stringConvertible(Int(error.exitStatus.rawValue))]
                    for (key, field) in part.fields {
                        switch field {
                        case .text(let text): metadata[key] = .string(text)
                        case .number(let number): metadata[key] = .stringConvertible(number)
                        }
                    }
                    for line in part.message.split(separator: "\n", omittingEmptySubsequences: false) {
                        message(String(line), level: .error, metadata: metadata)
                    }
                }
            }
            return ExitCode(error.exitStatus.rawValue)
        }
        message("\(error)", level: .error, metadata: ["exit_status": .stringConvertible(Int(ExitStatus.ioError.rawValue))])
        return ExitCode(ExitStatus.ioError.rawValue)
    }
}

/// Standard error, shared by log records and the progress line: a record first clears the
/// progress line (it is redrawn at its next refresh), so the two never mix on one line.
final class StandardError: @unchecked Sendable {
    // Unchecked: `progressShown` and `progressEnded` are only touched under `lock`.
    private let lock = NSLock()
    private var progressShown = false
    /// Set by ``clearProgress()``: a timer tick still under way then draws nothing.
    private var progressEnded = false

    /// Whether standard error is a terminal.
    let isTerminal = isatty(2) == 1

    func writeLine(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if progressShown {
            Terminal.writeAll(Self.clearLine, to: 2)
            progressShown = false
        }
        Terminal.writeAll(Array((text + "\n").utf8), to: 2)
    }

    /// Draws `text` over the current progress line (carriage return, no line feed).
    func drawProgress(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !progressEnded else { return }
        Terminal.writeAll(Self.clearLine + Array(text.utf8), to: 2)
        progressShown = true
    }

    /// Removes the progress line, if one is shown, for good.
    func clearProgress() {
        lock.lock()
        defer { lock.unlock() }
        if progressShown { Terminal.writeAll(Self.clearLine, to: 2) }
        progressShown = false
        progressEnded = true
    }

    /// Carriage return, then erase to the end of the line (ANSI EL).
    static let clearLine: [UInt8] = Array("\r\u{1B}[K".utf8)
}
