import Foundation

/// Settings from the command line that replace the pipeline file's, so one pipeline serves in a
/// Unix chain (`--input - --output -`).
///
/// Paths and `--set` values become ``PipelineSetting``s, put into the document before it is
/// read; the typed settings (workers, chunk rows, error policy) are applied after it is read.
package struct PipelineOverrides: Sendable {
    /// Inputs in place of `read.path` (several: read one after the other, like a list there).
    package var inputs: [String]
    package var output: String?
    /// The rejects file in place of `errors.rejects`.
    package var rejects: String?
    package var workers: WorkerCount?
    package var chunkRows: Int?
    package var errorPolicy: ErrorPolicy?
    /// `--set KEY=VALUE` settings, in the order given (a later one wins).
    package var settings: [PipelineSetting]

    package init(inputs: [String] = [], output: String? = nil, rejects: String? = nil, workers: WorkerCount? = nil,
                chunkRows: Int? = nil, errorPolicy: ErrorPolicy? = nil, settings: [PipelineSetting] = []) {
        self.inputs = inputs
        self.output = output
        self.rejects = rejects
        self.workers = workers
        self.chunkRows = chunkRows
        self.errorPolicy = errorPolicy
        self.settings = settings
    }

    /// The settings to put into the document: `--set`'s, then the options that stand for keys.
    package var documentSettings: [PipelineSetting] {
        var all = settings
        if inputs.count == 1 { all.append(PipelineSetting(key: "read.path", value: .scalar(inputs[0], plain: false), option: "--input")) }
        if inputs.count > 1 { all.append(PipelineSetting(key: "read.path", value: .list(inputs, plain: false), option: "--input")) }
        // An empty output is left to the run, which says it cannot be created (status 73), as a
        // path that names a folder.
        if let output, !output.isEmpty { all.append(PipelineSetting(key: "write.path", value: .scalar(output, plain: false), option: "--output")) }
        if let rejects { all.append(PipelineSetting(key: "errors.rejects", value: .scalar(rejects, plain: false), option: "--rejects")) }
        return all
    }
}

/// A worker count: `auto` (one per processor) or a number.
package enum WorkerCount: Sendable, Equatable {
    case auto
    case count(Int)

    /// `auto` or 1 to 1024.
    package init?(_ text: String) {
        if text == "auto" {
            self = .auto
        } else if let count = Int(text), (1...1024).contains(count) {
            self = .count(count)
        } else {
            return nil
        }
    }
}

extension PipelineConfig {
    /// The configuration with the command line's typed settings in place of the file's (the
    /// paths and `--set` values are already in it: ``PipelineLoader/load(path:environment:settings:requiringTests:)``).
    /// Part of loading: the last check of a pipeline given on the command line.
    func applying(_ overrides: PipelineOverrides) throws -> PipelineConfig {
        var config = self
        if overrides.output == "" {
            config.write.path = ""
            config.write.pathOrigin = .commandLine("--output")
        }
        switch overrides.workers {
        case .auto: config.execution.workers = nil
        case .count(let count): config.execution.workers = count
        case nil: break
        }
        if let chunkRows = overrides.chunkRows { config.execution.chunkRows = chunkRows }
        if let policy = overrides.errorPolicy {
            config.errors.policy = policy
            if policy == .reject, config.errors.rejectsPath == nil {
                throw ConfigError(file: "--on-error reject", keyPath: "",
                                  problem: "needs a rejects file: --rejects PATH, or errors.rejects in the pipeline", status: .usage)
            }
        }
        return config
    }
}

extension PipelineLoader {
    /// Loads the pipeline file at `path` with the command line's settings in place of its own.
    package static func load(path: String, overrides: PipelineOverrides,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PipelineConfig {
        try load(path: path, environment: environment, settings: overrides.documentSettings).applying(overrides)
    }
}
