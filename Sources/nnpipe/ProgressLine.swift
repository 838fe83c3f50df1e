import Dispatch
import Foundation
import NNPipe

/// The progress line shown on a terminal while a run goes on, redrawn four times a second:
///
///     nnpipe: 12.4 MiB of 48.0 MiB (26%), 412000 rows, 398120 rows/s, 0:09 left
///
/// Bytes are the input's as stored (compressed bytes for gzip), so the share and the time left
/// hold for gzip input too; without a size (a pipe) the line gives bytes and rows only.
final class ProgressLine: @unchecked Sendable {
    // Unchecked: `timer` is set before the timer starts and cancelled once; the handler reads
    // only `progress` (thread-safe) and constants.
    private let progress: RunProgress
    private let started = DispatchTime.now()
    private var timer: DispatchSourceTimer?

    init(progress: RunProgress) {
        self.progress = progress
    }

    /// Draws the line, then redraws it every quarter second until ``stop()``.
    func start() {
        Terminal.standardError.drawProgress(line(progress.snapshot))
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        timer.setEventHandler { [self] in Terminal.standardError.drawProgress(line(progress.snapshot)) }
        self.timer = timer
        timer.resume()
    }

    /// Stops redrawing and clears the line.
    func stop() {
        timer?.cancel()
        timer = nil
        Terminal.standardError.clearProgress()
    }

    func line(_ snapshot: RunProgress.Snapshot) -> String {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        var parts: [String] = []
        if let total = snapshot.bytesTotal, total > 0 {
            let share = min(100, snapshot.bytesRead * 100 / total)
            parts.append("\(Self.bytes(snapshot.bytesRead)) of \(Self.bytes(total)) (\(share)%)")
        } else {
            parts.append("\(Self.bytes(snapshot.bytesRead)) read")
        }
        parts.append("\(snapshot.rowsRead) rows")
        if seconds >= 0.5 {
            parts.append("\(Int(Double(snapshot.rowsRead) / seconds)) rows/s")
            if let total = snapshot.bytesTotal, snapshot.bytesRead > 0, total > snapshot.bytesRead {
                let left = Double(total - snapshot.bytesRead) / (Double(snapshot.bytesRead) / seconds)
                parts.append("\(Self.duration(left)) left")
            }
        }
        return "nnpipe: " + parts.joined(separator: ", ")
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(String(format: "%.1f", value)) \(units[unit])"
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}
