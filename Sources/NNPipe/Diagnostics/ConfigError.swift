/// A problem in a pipeline file: where (file, line, column, key path) and what.
package struct ConfigError: NNPipeError {
    /// The pipeline file, as the user named it.
    package var file: String
    /// 1-based line and column in the file, when known.
    package var line: Int?
    package var column: Int?
    /// The YAML key path, for example `stages[1].forward.model`.
    package var keyPath: String
    package var problem: String
    /// 78, or 64 for a value the command line gave (then `file` names the option).
    package var status: ExitStatus

    /// Written out, like ``InputError``'s, because the executable makes these too (a memberwise
    /// initializer is internal).
    package init(file: String, line: Int? = nil, column: Int? = nil, keyPath: String, problem: String,
                status: ExitStatus = .config) {
        self.status = status
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.problem = problem
    }

    package var message: String {
        let path = keyPath.isEmpty ? "" : "\(keyPath): "
        return "\(ErrorPlace.text(file: file, line: line, column: column)): \(path)\(problem)"
    }

    package var exitStatus: ExitStatus { status }
}

/// Several configuration problems found together, reported one per line: at most
/// ``shownLimit`` of them, then one line counting the rest, so a file with a million mistakes
/// (or an alias that repeats one a million times) gives a screenful, not a million lines.
package struct ConfigErrors: NNPipeError {
    /// The most problems listed one per line.
    package static let shownLimit = 20
    /// The problems kept, in the order found (at most ``shownLimit`` when built by the loader).
    package var errors: [ConfigError]
    /// Problems found beyond those kept.
    package var omitted: Int

    package init(_ errors: [ConfigError], omitted: Int = 0) {
        self.errors = errors
        self.omitted = omitted
    }

    /// All problems found, listed or not.
    package var count: Int { errors.count + omitted }

    package var message: String {
        let shown = errors.prefix(Self.shownLimit)
        let more = count - shown.count
        let lines = shown.map(\.message) + (more > 0 ? ["and \(more) more problem\(more == 1 ? "" : "s")"] : [])
        return lines.joined(separator: "\n")
    }

    /// 64 when every problem is in what the command line gave, 70 when every one is a model
    /// past the memory limit (``MemoryLimit``), else 78.
    package var exitStatus: ExitStatus {
        for status in [ExitStatus.usage, .software] where errors.allSatisfy({ $0.status == status }) { return status }
        return .config
    }
}
