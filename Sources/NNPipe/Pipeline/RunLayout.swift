import Foundation
import Glibc

/// Every path a run writes, resolved and checked before any row is read.
///
/// The outputs (one, or one per input with a name template), the rejects files and the stats
/// file are resolved (``OutputTarget``) and compared, by device and inode (by resolved path for
/// files that do not exist yet), with each other and with every file the run reads: the inputs,
/// the pipeline file, the model, scaler and labels files. Any two that meet are refused, naming
/// both, so no run writes over what it reads and no output replaces another. An output that an
/// input pattern would match on the next run is refused too.
package struct RunLayout {
    /// One output and the inputs that feed it.
    package struct Part {
        package var files: [String]
        package var output: Destination
        /// Its own rejects file (a rejects name template), or nil for the shared one.
        package var rejects: Destination?
    }

    /// An output path, where it leads, and where it was set.
    package struct Destination {
        package var path: String
        package var target: OutputTarget
        package var role: String
        package var origin: SettingOrigin
    }

    package var parts: [Part]
    /// The one rejects file of a run whose rejects path is not a template.
    package var sharedRejects: Destination?
    package var stats: Destination?
    /// `--metrics-textfile`'s file.
    package var metrics: Destination?

    /// Whether each input has its own output (a `{stem}`/`{name}` template).
    package var isTemplate: Bool

    package init(config: PipelineConfig, files: [String], statsFile: String?, metricsFile: String? = nil) throws {
        let write = config.write
        isTemplate = OutputNameTemplate.isTemplate(write.path)
        func destination(_ path: String, role: String, origin: SettingOrigin) throws -> Destination {
            do {
                return Destination(path: path, target: try OutputTarget.resolve(path), role: role, origin: origin)
            } catch {
                let flag: String
                if case .commandLine(let option) = origin { flag = option + " " } else { flag = "" }
                throw PathConflict(origin: origin, file: config.file, problem: flag + error.message, status: error.exitStatus)
            }
        }
        let rejectsPath = config.errors.policy == .reject ? config.errors.rejectsPath : nil
        let rejectsTemplate = rejectsPath.map(OutputNameTemplate.isTemplate) ?? false
        if isTemplate {
            var seen: [String: String] = [:]
            parts = []
            for file in files {
                for (template, origin) in [(write.path, write.pathOrigin), (rejectsTemplate ? rejectsPath : nil, config.errors.rejectsOrigin)] {
                    guard let template, let part = OutputNameTemplate.folderReference(in: template, for: file) else { continue }
                    let flag: String
                    if case .commandLine(let option) = origin, option.hasPrefix("--") { flag = option + " " } else { flag = "" }
                    let shown = part.isEmpty ? "an empty name" : "'\(part)'"
                    throw PathConflict(origin: origin, file: config.file,
                                       problem: "\(flag)\(template) gives the input \(file) the name \(OutputNameTemplate.path(template, for: file)), where \(shown) is a folder, not a file name: the output would land outside the folder the template names; rename the input or change the template",
                                       status: flag.isEmpty ? .config : .usage)
                }
                let path = OutputNameTemplate.path(write.path, for: file)
                if let earlier = seen.updateValue(file, forKey: path) {
                    // A template given on the command line is a usage mistake, like any other.
                    if case .commandLine(let option) = write.pathOrigin, option.hasPrefix("--") {
                        throw PathConflict(origin: write.pathOrigin, file: config.file,
                                           problem: "\(option) \(write.path): \(earlier) and \(file) would both be written to \(path)", status: .usage)
                    }
                    throw ConfigError(file: config.file, keyPath: "write.path",
                                      problem: "\(earlier) and \(file) would both be written to \(path)")
                }
                let rejects = try rejectsTemplate ? rejectsPath.map {
                    try destination(OutputNameTemplate.path($0, for: file), role: "rejects file", origin: config.errors.rejectsOrigin)
                } : nil
                parts.append(Part(files: [file], output: try destination(path, role: "output", origin: write.pathOrigin), rejects: rejects))
            }
        } else {
            parts = [Part(files: files, output: try destination(write.path, role: "output", origin: write.pathOrigin), rejects: nil)]
        }
        sharedRejects = try rejectsTemplate ? nil : rejectsPath.map {
            try destination($0, role: "rejects file", origin: config.errors.rejectsOrigin)
        }
        stats = try statsFile.map { try destination($0, role: "stats file", origin: .commandLine("--stats-json")) }
        metrics = try metricsFile.map { try destination($0, role: "metrics file", origin: .commandLine("--metrics-textfile")) }
        try check(config: config, files: files)
        for destination in destinations { try Self.checkCreatable(destination, file: config.file) }
    }

    /// Every output, rejects and stats path of the run.
    package var destinations: [Destination] {
        parts.flatMap { [$0.output] + ($0.rejects.map { [$0] } ?? []) } + [sharedRejects, stats, metrics].compactMap { $0 }
    }

    private func check(config: PipelineConfig, files: [String]) throws {
        var reads: [(identity: FileIdentity, path: String, role: String, origin: SettingOrigin)] = []
        for file in files {
            let identity = file == "-" ? FileIdentity.standardInput : FileIdentity.of(file)
            if let identity { reads.append((identity, file == "-" ? "standard input" : file, "input", config.read.pathOrigin)) }
        }
        for file in config.filesRead {
            if let identity = FileIdentity.of(file.path) { reads.append((identity, file.path, file.role, file.origin)) }
        }
        var written: [(identity: FileIdentity, destination: Destination)] = []
        for destination in destinations {
            guard let identity = destination.target.identity else { continue }
            if let read = reads.first(where: { $0.identity == identity }) {
                throw conflict(destination, config: config, with: Self.describe(read.path, role: read.role, origin: read.origin, file: config.file),
                               otherOrigin: read.origin, reason: "a run never writes over what it reads; choose another path")
            }
            // Two streams into one file (`--stats-json /dev/stderr` with rejects there too) only
            // take turns; a file renamed over one that a stream writes to loses the stream's bytes;
            // an output's stream takes nothing else (its reader would get rejects or figures
            // among the rows).
            let isStream = destination.target.isStream
            if let other = written.first(where: { $0.identity == identity && !(isStream && $0.destination.target.isStream) })?.destination {
                throw conflict(destination, config: config,
                               with: Self.describe(other.path, role: other.role, origin: other.origin, file: config.file),
                               otherOrigin: other.origin, reason: "one would replace the other; choose another path")
            }
            if isStream, let other = written.first(where: {
                $0.identity == identity && [destination.role, $0.destination.role].contains("output")
            })?.destination {
                throw conflict(destination, config: config,
                               with: Self.describe(other.path, role: other.role, origin: other.origin, file: config.file),
                               otherOrigin: other.origin, reason: "the output's rows would be mixed with other lines in one stream; choose another path")
            }
            written.append((identity, destination))
        }
        // An output inside an input pattern would be read back as an input by the next run.
        for pattern in config.read.inputs where InputFiles.isPattern(pattern) {
            let absolute = Self.anchored(pattern)
            for destination in destinations {
                guard case .file(let path) = destination.target, fnmatch(absolute, path, FNM_PATHNAME | FNM_PERIOD) == 0 else { continue }
                throw conflict(destination, config: config,
                               with: Self.describe(pattern, role: "input pattern", origin: config.read.pathOrigin, file: config.file),
                               otherOrigin: config.read.pathOrigin,
                               reason: "the next run would read it as an input; write it outside the pattern's folder",
                               verb: "matches")
            }
        }
    }

    private func conflict(_ destination: Destination, config: PipelineConfig, with other: String, otherOrigin: SettingOrigin,
                          reason: String, verb: String = "is the same file as") -> PathConflict {
        let problem = "\(Self.describe(destination.path, role: destination.role, origin: destination.origin, file: config.file, placed: false)) \(verb) \(other): \(reason)"
        let byOption = [destination.origin, otherOrigin].contains { if case .commandLine(let flag) = $0 { flag.hasPrefix("--") } else { false } }
        return PathConflict(origin: destination.origin, file: config.file, problem: problem, status: byOption ? .usage : .config)
    }

    /// Whether a file output can be made: its nearest existing folder is a folder nnpipe may
    /// create files in (the rest of the way is made as `mkdir -p` would). Checked for every output
    /// before any row is read, so a stats file that cannot be written does not surface after the
    /// output was committed.
    static func checkCreatable(_ destination: Destination, file: String) throws {
        if case .descriptor(let number) = destination.target, StandardStreams.closed.contains(number) {
            // Found now, not when the stats are written after the output was committed.
            let what = describe(destination.path, role: destination.role, origin: destination.origin, file: file, placed: false)
            throw PathConflict(origin: destination.origin, file: file,
                               problem: "\(what): \(StandardStreams.name(number)) is closed; give a file, or run with \(StandardStreams.name(number)) open",
                               status: .cannotCreate)
        }
        guard case .file(let path) = destination.target else { return }
        var folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        var info = stat()
        while !folder.isEmpty, stat(folder, &info) != 0 {
            folder = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
        }
        if folder.isEmpty { folder = "/" }
        let tooLong = path.split(separator: "/").first { $0.utf8.count > SideFileName.maximumNameBytes }
        var existing = stat()
        let problem: String?
        if let tooLong {
            problem = "the name \(tooLong.prefix(40))… is \(tooLong.utf8.count) bytes long; a file or folder name may have at most \(SideFileName.maximumNameBytes)"
        } else if (info.st_mode & S_IFMT) != S_IFDIR {
            problem = "cannot create its folder: \(folder) is not a folder"
        } else if access(folder, W_OK | X_OK) != 0 {
            problem = "cannot create files in \(folder): \(String(cString: strerror(errno)))"
        } else if info.st_mode & S_ISVTX != 0, lstat(path, &existing) == 0, geteuid() != 0,
                  existing.st_uid != geteuid(), info.st_uid != geteuid() {
            // In a sticky folder (/tmp) only a file's owner (or the folder's) may replace it: the
            // rename at the end would fail after all the work.
            problem = "cannot replace it: it belongs to \(userName(existing.st_uid)) and \(folder) is a sticky folder, where only a file's owner may replace it; remove it as its owner, or choose another path"
        } else {
            problem = nil
        }
        guard let problem else { return }
        let what = describe(destination.path, role: destination.role, origin: destination.origin, file: file, placed: false)
        throw PathConflict(origin: destination.origin, file: file, problem: "\(what): \(problem)", status: .cannotCreate)
    }

    /// `user NAME` (`user 1001` without a name).
    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "user \(uid)" }
        return "user \(String(cString: name))"
    }

    /// `--output x.csv`, `the input x.csv (p.yaml:3:13 stages[0].read.path)`.
    static func describe(_ path: String, role: String, origin: SettingOrigin, file: String, placed: Bool = true) -> String {
        switch origin {
        case .commandLine(let flag) where flag.hasPrefix("--"):
            return "\(flag) \(path)"
        case .commandLine:
            return "the \(role) \(path)"
        case .pipeline(let keyPath, let line, let column):
            var place = file
            if let line { place += ":\(line)" }
            if let column { place += ":\(column)" }
            return keyPath.isEmpty || !placed ? "the \(role) \(path)" : "the \(role) \(path) (\(place) \(keyPath))"
        }
    }

    /// A glob pattern made absolute, its folder part (up to the first glob character) with
    /// symlinks resolved, so it compares with resolved output paths.
    static func anchored(_ pattern: String) -> String {
        let absolute = pattern.hasPrefix("/") ? pattern : FileManager.default.currentDirectoryPath + "/" + pattern
        guard let firstGlob = absolute.firstIndex(where: { $0 == "*" || $0 == "?" || $0 == "[" }),
              let slash = absolute[..<firstGlob].lastIndex(of: "/") else { return absolute }
        let folder = String(absolute[..<slash])
        let resolved = OutputTarget.realPath(folder.isEmpty ? "/" : folder) ?? OutputTarget.lexicallyNormalized(folder)
        return (resolved == "/" ? "" : resolved) + String(absolute[slash...])
    }
}

/// Two paths of a run that must differ and do not (an output that is an input, two outputs that
/// are one file), or an output path that cannot be used. Status 64 when a command-line option
/// named one of them, 78 when both come from the pipeline file.
package struct PathConflict: NNPipeError {
    package var origin: SettingOrigin
    package var file: String
    package var problem: String
    package var status: ExitStatus

    package var message: String {
        if case .pipeline(let keyPath, let line, let column) = origin, !keyPath.isEmpty {
            return ConfigError(file: file, line: line, column: column, keyPath: keyPath, problem: problem).message
        }
        return problem
    }

    package var exitStatus: ExitStatus { status }
}
