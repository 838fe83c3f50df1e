import Dispatch
import Foundation
import Glibc
import Logging
import NNPipe

/// How a run's progress is shown while it goes on, redrawn or repeated at an interval:
///
///     nnpipe: in/part-3.csv.gz: 12.4 MiB of 48.0 MiB (26%), 412000 rows, 398120 rows/s, 0:09 left
///
/// On a terminal, one line redrawn in place, cut to the terminal's width so it never wraps; in a
/// file or a pipe (`--progress`), one plain line per interval, no escape codes; with
/// `--log-format json`, one JSON record per interval (level `info`, message `progress`), so the
/// log still parses. Bytes are the input's as stored (compressed bytes for gzip), so the share
/// and the time left hold for gzip input too; without a size (a pipe) the line gives bytes and
/// rows only.
final class ProgressLine: @unchecked Sendable {
    // Unchecked: `timer` is set before the timer starts and cancelled once; the handler reads
    // only `progress` (thread-safe) and constants.
    enum Mode {
        /// Redrawn in place on standard error, a terminal.
        case terminal
        /// A new plain line each time.
        case lines
        /// A JSON log record each time.
        case json
    }

    private let progress: RunProgress
    private let mode: Mode
    private let interval: Double
    private let started = DispatchTime.now()
    private var timer: DispatchSourceTimer?

    init(progress: RunProgress, mode: Mode, interval: Double) {
        self.progress = progress
        self.mode = mode
        self.interval = interval
    }

    /// Shows the progress now, then every `interval` seconds until ``stop()``.
    func start() {
        show()
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        // Clamped before the conversion, which traps on NaN and past Int's range (the command
        // line checks the value; this keeps the timer safe whatever it is given).
        let milliseconds = Int(min(max(interval.isNaN ? 0 : interval, 0.05), RunCommand.longestProgressInterval) * 1000)
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler { [self] in show() }
        self.timer = timer
        timer.resume()
    }

    /// Stops showing it (and clears the terminal's line).
    func stop() {
        timer?.cancel()
        timer = nil
        if mode == .terminal { Terminal.standardError.clearProgress() }
    }

    private func show() {
        let snapshot = progress.snapshot
        switch mode {
        case .terminal:
            Terminal.standardError.drawProgress(line(snapshot, width: Self.terminalWidth()))
        case .lines:
            Terminal.standardError.writeLine(line(snapshot))
        case .json:
            Terminal.standardError.writeLine(LogRecordHandler.json(level: .info, message: "progress", metadata: metadata(snapshot)))
        }
    }

    /// The terminal's columns (80 when it does not say).
    static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// `text` cut to `room` characters, the end replaced by `…`.
    static func cut(_ text: String, to room: Int) -> String {
        text.count > room ? String(text.prefix(max(0, room - 1))) + "…" : text
    }

    private var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    private func metadata(_ snapshot: RunProgress.Snapshot) -> Logger.Metadata {
        var fields: Logger.Metadata = ["bytes_read": .stringConvertible(snapshot.bytesRead), "rows_read": .stringConvertible(snapshot.rowsRead),
                                       "seconds": .stringConvertible((seconds * 1000).rounded() / 1000)]
        if let total = snapshot.bytesTotal { fields["bytes_total"] = .stringConvertible(total) }
        if let file = snapshot.file { fields["file"] = .string(file) }
        if snapshot.rowsResumed > 0 { fields["rows_resumed"] = .stringConvertible(snapshot.rowsResumed) }
        if let left = snapshot.secondsLeft() { fields["seconds_left"] = .stringConvertible(left.rounded()) }
        return fields
    }

    /// The progress as one line; with `width`, fitted to that many columns less one (a line that
    /// fills the last column makes some terminals wrap): the file name is shortened first, from
    /// the left, then the figures are cut.
    func line(_ snapshot: RunProgress.Snapshot, width: Int? = nil) -> String {
        let figures = self.figures(snapshot)
        guard let width else { return "nnpipe: " + (snapshot.file.map { "\($0): " } ?? "") + figures }
        let room = max(10, width - 1)
        let fixed = "nnpipe: ".count + figures.count
        if let file = snapshot.file, fixed + 2 + file.count <= room {
            return "nnpipe: \(file): \(figures)"
        } else if let file = snapshot.file, room - fixed - 2 >= 8 {
            return "nnpipe: …\(file.suffix(room - fixed - 3)): \(figures)"
        }
        return Self.cut("nnpipe: " + figures, to: room)
    }

    /// `12.4 MiB of 48.0 MiB (26%), 412000 rows, 398120 rows/s, 0:09 left`: the share and rows
    /// from the start of the input, a resumed run's included; the rate and the time left from
    /// this process's own reading.
    private func figures(_ snapshot: RunProgress.Snapshot) -> String {
        var parts: [String] = []
        if let total = snapshot.bytesTotal, total > 0 {
            let share = min(100, snapshot.bytesRead * 100 / total)
            parts.append("\(Self.bytes(snapshot.bytesRead)) of \(Self.bytes(total)) (\(share)%)")
        } else {
            parts.append("\(Self.bytes(snapshot.bytesRead)) read")
        }
        parts.append("\(snapshot.rowsRead) rows")
        if let rate = snapshot.rowsPerSecond() {
            parts.append("\(Int(rate)) rows/s")
            if let left = snapshot.secondsLeft() { parts.append("\(Self.duration(left)) left") }
        }
        return parts.joined(separator: ", ")
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(printfFormat("%.1f", value)) \(units[unit])"
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? printfFormat("%ld:%02ld:%02ld", hours, minutes, secs) : printfFormat("%ld:%02ld", minutes, secs)
    }
}
