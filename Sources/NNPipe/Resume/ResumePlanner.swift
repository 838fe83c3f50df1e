import Foundation
import Glibc

/// What one output of a run does about resume journals.
struct PartResume {
    /// Where this output's journal goes; nil when none is kept (a stream, standard input, a rejects
    /// stream, or a template run sharing one rejects file).
    var journalPath: String?
    var identity: RunIdentity
    /// The killed run being continued: its journal and last entry.
    var adopted: ResumeJournal.Contents?
    /// The entry to continue from.
    var point: ResumePoint? { adopted?.last }
    /// Whether the killed run had already committed this output (a template run's earlier
    /// output): nothing is left to do for it.
    var alreadyCommitted = false
    /// Whether a journal was there when the run began (a killed run of this output, which may
    /// have committed the output and not yet its rejects file).
    var foundJournal = false
}

/// Decides, before anything is opened, whether each output of a run starts afresh or continues a
/// killed run's temporary file, and cleans up after killed runs that are not continued.
enum ResumePlanner {
    /// The plan for `part`. With `resume`, a journal of the same run is adopted; one of a different
    /// run is refused (``ResumeRefused``), and without a journal the output starts from the
    /// beginning with a notice. Without `resume`, a journal left by a dead process is removed (with
    /// a notice when its temporary output was still there).
    static func plan(for part: RunLayout.Part, sharedRejects: RunLayout.Destination?, isTemplate: Bool,
                     identity base: RunIdentity, resume: Bool, notice: (String) -> Void,
                     routineNotice: (String) -> Void) throws -> PartResume {
        let name = part.output.path
        let rejects = part.rejects ?? sharedRejects
        guard case .file(let target) = part.output.target, !part.files.contains("-"),
              rejects.map({ !$0.target.isStream }) ?? true, !(isTemplate && part.rejects == nil && sharedRejects != nil) else {
            if resume { notice("\(name): nothing to resume (no journal is kept for this output): starting from the beginning") }
            return PartResume(journalPath: nil, identity: base)
        }
        let path = ResumeJournal.path(forTarget: target)
        let identity = base.adding(inputs: part.files)
        guard identity.isVerifiable else {
            if resume { notice("\(name): nothing to resume (no journal is kept when an input or a file the pipeline reads is a pipe or a device): starting from the beginning") }
            return PartResume(journalPath: nil, identity: identity)
        }
        var plan = PartResume(journalPath: path, identity: identity)
        plan.foundJournal = FileManager.default.fileExists(atPath: path)
        if let writer = ResumeJournal.writer(path), writer != getpid(), isRunning(writer) {
            // A live process writes this output now: leave its journal alone, keep none.
            if resume { throw ResumeRefused(file: name, problem: "another nnpipe (process \(writer)) is writing this output now") }
            plan.journalPath = nil
            return plan
        }
        let contents = ResumeJournal.read(path)
        if !resume {
            if let contents, FileManager.default.fileExists(atPath: contents.outputTemporary) {
                notice("\(name): removed the unfinished output of an earlier run that was killed (process \(contents.pid)); "
                    + "nnpipe run --resume continues such a run")
            }
            unlink(path)
            return plan
        }
        guard let contents, let last = contents.last else {
            if FileManager.default.fileExists(atPath: path) {
                notice("\(name): nothing to resume (the killed run's journal is incomplete or from another version of nnpipe): starting from the beginning")
            } else {
                // The everyday case of `--resume` in a crontab: the last run ended well.
                routineNotice("\(name): nothing to resume (no journal of a killed run): starting from the beginning")
            }
            unlink(path)
            return plan
        }
        if let change = contents.identity.change(to: identity) {
            throw ResumeRefused(file: name, problem: "\(change) since the run that was killed; "
                + "run again without --resume to start from the beginning")
        }
        if let problem = adoptionProblem(contents, last, output: target, rejects: rejects) {
            notice("\(name): nothing to resume (\(problem)): starting from the beginning")
            unlink(path)
            return plan
        }
        let outputThere = FileManager.default.fileExists(atPath: contents.outputTemporary)
        let rejectsThere = contents.rejectsTemporary.map { FileManager.default.fileExists(atPath: $0) } ?? (rejects == nil)
        if outputThere && rejectsThere {
            plan.adopted = contents
        } else if last.done && !outputThere && isTemplate, let temporary = contents.rejectsTemporary,
                  FileManager.default.fileExists(atPath: temporary), FileManager.default.fileExists(atPath: target),
                  let rejects = part.rejects, case .file(let rejectsTarget) = rejects.target {
            // Killed between the output's rename and its rejects file's: the rejects at the target
            // (if any) are an earlier run's. Finish the commit as the run would have: the file the
            // journal vouches for, or, when no row was rejected, no rejects file at all.
            if last.rows.rejected > 0 {
                try finishCommit(temporary, length: last.rejectsLength, into: rejectsTarget, name: rejects.path)
                notice("\(rejects.path): the killed run had committed \(name) but not its rejects file: committed it now")
            } else {
                unlink(temporary)
                unlink(rejectsTarget)
            }
            plan.adopted = contents
            plan.alreadyCommitted = true
        } else if last.done && !outputThere && isTemplate
                    && committedFilesThere(output: target, rejects: last.rows.rejected > 0 ? part.rejects : nil, last: last) {
            plan.adopted = contents
            plan.alreadyCommitted = true
        } else if last.done && !outputThere && isTemplate {
            notice("\(name): the output the killed run committed (or its rejects file) is gone or changed: starting this output from the beginning")
            unlink(path)
        } else {
            notice("\(name): nothing to resume (the killed run's temporary output is gone): starting from the beginning")
            unlink(path)
        }
        return plan
    }

    /// Why the killed run's temporary files must not be continued, in a few words for the notice;
    /// nil when they may be. A journal is trusted no further than can be checked: each file it
    /// names must be a temporary name of its own process beside the output it is for (an edited
    /// journal could name any file, to be renamed into the output, cut and appended to), a regular
    /// file with no other name (a hard link) when it is there, and at least as long as the journal's last entry records (one cut
    /// by a full disk, a copy or a hand would otherwise be extended with zero bytes and committed),
    /// whose first bytes have the checksum the entry records (another file of that length, or
    /// the file edited in place, would be committed as the output's first part).
    /// A missing file is left to the caller, which knows what a template run may have committed.
    static func adoptionProblem(_ contents: ResumeJournal.Contents, _ last: ResumePoint, output target: String,
                                rejects: RunLayout.Destination?) -> String? {
        var files = [(role: "output", path: contents.outputTemporary, target: Optional(target), length: last.outputLength,
                      checksum: last.outputChecksum)]
        if let temporary = contents.rejectsTemporary {
            var rejectsTarget: String?
            if let rejects, case .file(let file) = rejects.target { rejectsTarget = file }
            files.append((role: "rejects file", path: temporary, target: rejectsTarget, length: last.rejectsLength,
                          checksum: last.rejectsChecksum))
        }
        for file in files {
            guard let target = file.target, OutputFile.isTemporaryName(file.path, of: target, pid: contents.pid) else {
                return "the journal names \(file.path) as the temporary \(file.role), which is not a temporary name of nnpipe's beside the \(file.role)"
            }
            var info = stat()
            guard lstat(file.path, &info) == 0 else { continue }
            guard info.st_mode & S_IFMT == S_IFREG else {
                return "the killed run's temporary \(file.role) is not a regular file"
            }
            // Another name for the same file (a hard link) would be written through: the run's
            // own temporary file has no names but nnpipe's temporary ones for this output (a
            // resumed run killed before it let go of the name it adopted leaves two).
            guard info.st_nlink == 1 || temporaryNames(of: info, target: target) == Int(info.st_nlink) else {
                return "the killed run's temporary \(file.role) has other names (hard links), which it would write through"
            }
            if Int(info.st_size) < file.length {
                return "the killed run's temporary \(file.role) is \(info.st_size) bytes, shorter than the \(file.length) its journal records"
            }
            // Another file of the same length (or the file edited in place) would be committed
            // as the output's first part.
            if ContentChecksum.ofFile(file.path, length: file.length) != file.checksum {
                return "the killed run's temporary \(file.role) does not hold the bytes its journal records (it was changed or replaced)"
            }
        }
        return nil
    }

    /// How many of nnpipe's temporary names for the output `target` (in its folder) name the file
    /// `info` describes.
    private static func temporaryNames(of info: stat, target: String) -> Int {
        let prefix = OutputFile.temporaryPrefix(of: target)
        guard let slash = prefix.lastIndex(of: "/") else { return 0 }  // resolved paths are absolute
        let folder = slash == prefix.startIndex ? "/" : String(prefix[..<slash])
        let base = String(prefix[prefix.index(after: slash)...])
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            var other = stat()
            return name.hasPrefix(base) && lstat(folder + "/" + name, &other) == 0
                && other.st_dev == info.st_dev && other.st_ino == info.st_ino
        }.count
    }

    /// Cuts a finished temporary file to the length its journal's last entry records, syncs it and
    /// renames it over `target`.
    private static func finishCommit(_ temporary: String, length: Int, into target: String, name: String) throws {
        let fd = open(temporary, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw OutputError(.writeFailed, file: name, operation: "cannot open the killed run's finished rejects file", errno: errno)
        }
        defer { close(fd) }
        guard ftruncate(fd, off_t(length)) == 0, fsync(fd) == 0 else {
            throw OutputError(.writeFailed, file: name, operation: "cannot finish the killed run's rejects file", errno: errno)
        }
        guard rename(temporary, target) == 0 else {
            throw OutputError(.writeFailed, file: name, operation: "cannot rename the killed run's finished rejects file into place", errno: errno)
        }
    }

    /// Whether a committed output, and its own rejects file when it has one, are in place as the
    /// killed run committed them: the length and checksum of its `done` entry (a kill between the
    /// two renames, or a user, may have left one missing, cut or changed). `rejects` is nil when
    /// the output rejected no row: no rejects file is kept then.
    private static func committedFilesThere(output: String, rejects: RunLayout.Destination?, last: ResumePoint) -> Bool {
        guard holds(output, length: last.outputLength, checksum: last.outputChecksum) else { return false }
        guard let rejects, case .file(let rejectsTarget) = rejects.target else { return true }
        return holds(rejectsTarget, length: last.rejectsLength, checksum: last.rejectsChecksum)
    }

    /// Whether the file at `path` is a regular file of exactly `length` bytes with that checksum.
    private static func holds(_ path: String, length: Int, checksum: UInt32) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) == length else { return false }
        return ContentChecksum.ofFile(path, length: length) == checksum
    }

    /// Whether process `pid` exists and is an nnpipe (after a reboot, the id of a killed run may
    /// belong to another program).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno != ESRCH else { return false }
        guard let name = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return true }
        return name.hasPrefix("nnpipe")
    }
}
