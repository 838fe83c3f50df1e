import Foundation
import Yams

/// Reads a pipeline file (YAML) into a checked ``PipelineConfig``.
///
/// ```yaml
/// stages:
///   - read:
///       path: ../sample-data/seed-samples.csv.gz
///       features: [x1, x2]
///       carry: [id]
///   - forward:
///       model: ../sample-data/seed-model.json
///   - write:
///       path: ../out/seed-activations.csv
/// execution:
///   chunk_rows: 8192
///   workers: auto
/// ```
/// Every problem found (unknown or missing keys, wrong types, impossible values, model files
/// that do not load, shapes that do not chain) is reported with the key path and line, all
/// together, before any input is read.
package enum PipelineLoader {
    static let topKeys = ["stages", "execution", "errors", "tests"]
    /// `read`, every transform kind (``StageRegistry``), `write`.
    static let stageKinds = ["read"] + StageRegistry.kinds.map(\.name) + ["write"]
    static let readKeys = ["path", "header", "delimiter", "features", "carry", "max_record_bytes"]
    static let writeKeys = ["path", "header", "columns", "compression", "gzip_level", "zstd_level", "decimals", "delimiter"]
    static let executionKeys = ["chunk_rows", "chunk_bytes", "workers", "max_chunks_in_flight", "parallel_gzip", "journal_interval"]
    static let errorsKeys = ["policy", "max_errors", "max_error_rate", "rejects"]

    /// Loads the pipeline file at `path` (`-`: standard input; a named pipe such as
    /// `<(printf ...)` works too), expanding `${NAME}` in its values from `environment`, with the
    /// command line's `settings` in place of the file's values (see ``PipelineSetting``).
    /// `requiringTests`: a pipeline without a `tests:` section is refused (for `nnpipe test`).
    package static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            settings: [PipelineSetting] = [], requiringTests: Bool = false) throws -> PipelineConfig {
        let (bytes, isStream) = try PipelineSource.bytes(at: path)
        let file = path == "-" ? PipelineSource.standardInputName : path
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: file, keyPath: "", problem: "the pipeline file is not UTF-8 text")
        }
        let folder = isStream ? "" : (path as NSString).deletingLastPathComponent
        let config = try parse(yaml: text, file: file, folder: folder.isEmpty ? "." : folder, environment: environment,
                               settings: settings)
        if path == "-", config.read.inputs.contains("-") {
            let origin: String
            if case .commandLine(let option) = config.read.pathOrigin { origin = option } else { origin = "read.path" }
            throw ConfigError(file: file, keyPath: "", problem: "the pipeline is read from standard input, so the input (\(origin)) cannot be standard input too",
                              status: origin.hasPrefix("-") ? .usage : .config)
        }
        if requiringTests, config.tests.isEmpty {
            throw ConfigError(file: path, keyPath: "tests", problem: "the pipeline has no tests (add a tests: section)")
        }
        return config
    }

    /// Parses pipeline YAML; relative paths in it resolve against `folder`, and `${NAME}` in its
    /// values expands from `environment`; `settings` replace the file's values.
    package static func parse(yaml: String, file: String, folder: String,
                             environment: [String: String] = [:], settings: [PipelineSetting] = []) throws -> PipelineConfig {
        do {
            try YAMLAliasBudget.check(yaml)
        } catch {
            throw ConfigError(file: file, line: error.line, column: error.column, keyPath: "",
                              problem: "aliases (*name) expand the file past \(error.limit) YAML nodes, the limit for its size (\(YAMLAliasBudget.nodesPerByte) per byte, at least \(YAMLAliasBudget.minimumLimit))")
        }
        let root: Node
        do {
            // `.basic`: no tag rules. The loader types scalars itself (``YAMLCursor``), and Yams'
            // default rules are regular expressions whose first use loads ICU (about 3 MiB).
            guard let node = try Yams.compose(yaml: yaml, .basic) else {
                throw ConfigError(file: file, keyPath: "", problem: "the pipeline file is empty")
            }
            root = node
        } catch let error as YamlError {
            throw yamlSyntaxError(error, file: file)
        }
        return try read(root, file: file, folder: folder, environment: environment, settings: settings)
    }

    /// Reads a pipeline document, with `settings` in place of its values. `status` is that of
    /// problems in keys the settings do not give: 78 for a file, 64 for a pipeline made of
    /// options alone (`<command line>`, which is then no file that outputs must spare).
    static func read(_ document: Node, file: String, folder: String, environment: [String: String],
                     settings: [PipelineSetting], status: ExitStatus = .config,
                     labels: [String: String] = [:]) throws -> PipelineConfig {
        let (root, options) = try PipelineSettings.apply(settings, to: document)
        let diagnostics = ConfigDiagnostics(file: file, environment: environment)
        diagnostics.commandLine = labels.merging(options) { $1 }
        diagnostics.status = status
        let context = Context(folder: folder, diagnostics: diagnostics)
        let cursor = YAMLCursor(node: root, path: "", diagnostics: diagnostics)
        guard var config = context.pipeline(cursor) else {
            try diagnostics.throwIfAny()
            throw ConfigError(file: file, keyPath: "", problem: "the pipeline file could not be read", status: status)
        }
        try diagnostics.throwIfAny()
        if status == .usage || file == PipelineSource.standardInputName { config.filesRead.removeFirst() }
        return config
    }

    private static func yamlSyntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text); " } ?? ""
            // `path: -` reads as the start of a list to YAML; standard input/output needs quotes.
            let hint = problem.contains("block sequence entries are not allowed")
                ? " (for standard input or output, quote it: path: \"-\")" : ""
            return ConfigError(file: file, line: mark.line, column: mark.column, keyPath: "",
                               problem: "YAML syntax error: \(detail)\(problem)\(hint)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                               problem: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return ConfigError(file: file, keyPath: "", problem: "YAML error: \(error)")
        }
    }

    /// Walks the document; each method reports problems and returns nil where a value is unusable.
    typealias Context = LoadContext
}
