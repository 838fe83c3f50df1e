import Foundation
import Glibc

/// `--skip-existing`: whether an output is newer than everything it is made from.
extension PipelineRunner {
    /// Whether a part's output (and its own rejects file) exist and are newer than its inputs and
    /// `reads` (the pipeline file, the model and the other files the pipeline reads).
    ///
    /// A run that rejects no row keeps no rejects file, so a missing one counts as no rejects;
    /// but not `afterKill` (a killed run's journal was there: it may have committed the output
    /// and not its rejects file), when the input is read again.
    ///
    /// A source's time is the later of its modification and status-change times: `cp -p`,
    /// `rsync -t` and `tar x` give a new file an old modification time, but its status-change
    /// time is when it arrived, which no tool can set back; so a replaced input is never skipped.
    static func isUpToDate(_ part: RunLayout.Part, reads: [String], afterKill: Bool = false) -> Bool {
        func newer(_ a: timespec, than b: timespec) -> Bool { a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec }
        func times(_ path: String) -> (modified: timespec, changed: timespec)? {
            var info = stat()
            return stat(path, &info) == 0 ? (info.st_mtim, info.st_ctim) : nil
        }
        var made: [timespec] = []
        guard case .file(let output) = part.output.target, let outputTime = times(output) else { return false }
        made.append(outputTime.modified)
        if let rejects = part.rejects {
            guard case .file(let path) = rejects.target else { return false }
            if let time = times(path) {
                made.append(time.modified)
            } else if afterKill || access(path, F_OK) == 0 || errno != ENOENT {
                return false
            }
        }
        var sources: [timespec] = []
        for path in part.files + reads {
            guard path != "-", let time = times(path) else { return false }
            sources.append(newer(time.changed, than: time.modified) ? time.changed : time.modified)
        }
        return made.allSatisfy { output in sources.allSatisfy { newer(output, than: $0) } }
    }
}
