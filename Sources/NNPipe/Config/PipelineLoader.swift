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
public enum PipelineLoader {
    static let topKeys = ["stages", "execution", "errors", "tests"]
    static let stageKinds = ["read", "scale", "forward", "softmax", "argmax", "top_k", "write"]
    static let readKeys = ["path", "header", "delimiter", "features", "carry", "max_record_bytes"]
    static let forwardKeys = ["model", "layers", "activations", "tensors", "output", "precision", "hidden", "final"]
    static let tensorMappingKeys = ["weights", "bias", "transpose", "batch_norm", "eps"]
    static let layerKeys = ["weights", "bias", "activation"]
    static let writeKeys = ["path", "header", "columns", "compression", "gzip_level", "zstd_level", "decimals", "delimiter"]
    static let executionKeys = ["chunk_rows", "chunk_bytes", "workers", "max_chunks_in_flight"]
    static let errorsKeys = ["policy", "max_errors", "rejects"]

    /// Loads the pipeline file at `path` (`-`: standard input; a named pipe such as
    /// `<(printf ...)` works too), expanding `${NAME}` in its values from `environment`, with the
    /// command line's `settings` in place of the file's values (see ``PipelineSetting``).
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            settings: [PipelineSetting] = []) throws -> PipelineConfig {
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
        return config
    }

    /// Parses pipeline YAML; relative paths in it resolve against `folder`, and `${NAME}` in its
    /// values expands from `environment`; `settings` replace the file's values.
    public static func parse(yaml: String, file: String, folder: String,
                             environment: [String: String] = [:], settings: [PipelineSetting] = []) throws -> PipelineConfig {
        do {
            try YAMLAliasBudget.check(yaml)
        } catch {
            throw ConfigError(file: file, line: error.line, column: error.column, keyPath: "",
                              problem: "aliases (*name) expand the file past \(error.limit) YAML nodes, the limit for its size (\(YAMLAliasBudget.nodesPerByte) per byte, at least \(YAMLAliasBudget.minimumLimit))")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
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
    struct Context {
        let folder: String
        let diagnostics: ConfigDiagnostics

        /// `path` as written at `cursor`: relative to the pipeline's folder, or, when the command
        /// line gave it, to the working folder (as the shell that gave it sees it).
        func resolve(_ path: String, at cursor: YAMLCursor) -> String {
            if path == "-" || path.hasPrefix("/") || cursor.option != nil { return path }
            return folder == "." ? path : "\(folder)/\(path)"
        }

        func pipeline(_ cursor: YAMLCursor) -> PipelineConfig? {
            guard let top = cursor.mapping(allowed: PipelineLoader.topKeys, required: ["stages"]) else { return nil }
            let execution = top["execution"].flatMap(execution) ?? ExecutionConfig()
            let errors = top["errors"].flatMap(errorPolicy) ?? ErrorPolicyConfig()
            guard let stagesCursor = top["stages"], let stageList = stagesCursor.sequence() else { return nil }
            var read: ReadStageConfig?
            var write: WriteStageConfig?
            var writeColumnCursors: [YAMLCursor] = []
            var transforms: [TransformStageConfig] = []
            var transformCursors: [YAMLCursor] = []
            var kinds: [String] = []
            for (index, stage) in stageList.enumerated() {
                guard let entries = stage.mapping(allowed: PipelineLoader.stageKinds) else { continue }
                guard entries.count == 1, let (kind, body) = entries.first else {
                    if entries.count > 1 {
                        stage.report("a stage has exactly one kind (\(PipelineLoader.stageKinds.joined(separator: ", "))), found \(entries.keys.sorted().joined(separator: ", "))")
                    }
                    continue
                }
                kinds.append(kind)
                let isFirst = index == 0, isLast = index == stageList.count - 1
                switch kind {
                case "read":
                    if !isFirst { body.report("the read stage must be the first stage") }
                    read = readStage(body)
                case "write":
                    if !isLast { body.report("the write stage must be the last stage") }
                    write = writeStage(body, columnCursors: &writeColumnCursors)
                default:
                    transformCursors.append(body)
                    if let transform = transformStage(kind: kind, body) { transforms.append(transform) }
                }
            }
            if !kinds.contains("read") { stagesCursor.report("the first stage must be a read stage") }
            if !kinds.contains("write") { stagesCursor.report("the last stage must be a write stage") }
            if !kinds.contains("forward") { stagesCursor.report("at least one forward stage is needed between read and write") }
            if transforms.count == transformCursors.count {
                checkShapes(read: read, transforms: transforms, cursors: transformCursors, write: write)
                if let read, let write, !transforms.isEmpty {
                    checkOutputNames(read: read, transforms: transforms, cursors: transformCursors, write: write,
                                     columnCursors: writeColumnCursors)
                }
            }
            let tests = top["tests"].map { PipelineTestsReader(read: read, transforms: transforms, diagnostics: diagnostics).tests($0) } ?? []
            if errors.policy == .reject, errors.rejectsPath == nil {
                (top["errors"] ?? cursor).report("the reject policy needs a rejects file (errors.rejects)")
            }
            if let rejects = errors.rejectsPath, OutputNameTemplate.isTemplate(rejects),
               let write, !OutputNameTemplate.isTemplate(write.path) {
                (top["errors"] ?? cursor).report("a rejects name template ({stem}, {name}) needs a write.path template: one rejects file per output")
            }
            guard let read, let write, !transforms.isEmpty else { return nil }
            var config = PipelineConfig(file: diagnostics.file, read: read, transforms: transforms, write: write,
                                        execution: execution, errors: errors, tests: tests)
            config.filesRead = [SettingFile(path: diagnostics.file, role: "pipeline file", origin: .commandLine("the pipeline file"))]
                + diagnostics.filesRead
            return config
        }

        /// Features feed the first stage, each stage's values the next; names fit the columns written.
        func checkShapes(read: ReadStageConfig?, transforms: [TransformStageConfig], cursors: [YAMLCursor], write: WriteStageConfig?) {
            var width = read?.features.count
            for (index, (stage, cursor)) in zip(transforms, cursors).enumerated() {
                let what = index == 0 ? "read.features lists \(width ?? 0) columns" : "the stage before gives \(width ?? 0) values"
                let isLast = index == transforms.count - 1
                switch stage {
                case .scale(let scale):
                    if let width, width != scale.offset.count {
                        cursor.report("scales \(scale.offset.count) values but \(what)")
                    }
                case .forward(let forward):
                    if let width, width != forward.network.inputCount {
                        cursor.report("the model (\(forward.source)) takes \(forward.network.inputCount) inputs but \(what)")
                    }
                    width = forward.network.outputCount
                    if !forward.keepsFinal, !isLast {
                        cursor.report("a forward stage with final: false writes only hidden layers, so it must be the last stage before write")
                    }
                case .softmax:
                    break
                case .rank(let rank):
                    if !isLast { cursor.report("\(stage.kind) must be the last stage before write") }
                    if let width, rank.k > width { cursor.report("k is \(rank.k) but \(what)") }
                    if let width, let labels = rank.labels, labels.count != width {
                        cursor.report("\(labels.count) labels for \(width) classes (\(what.replacingOccurrences(of: "the stage before gives", with: "the values")))")
                    }
                }
            }
            if let read, let columns = write?.columns, width != nil {
                let chain = TransformChain(stages: transforms, inputWidth: read.features.count)
                if columns.count != chain.valueColumnNames.count {
                    diagnostics.report(ConfigError(file: diagnostics.file, keyPath: "write.columns",
                                                   problem: "names \(columns.count) columns but the pipeline writes \(chain.valueColumnNames.count) after the carried ones (\(chain.valueColumnNames.joined(separator: ",")))"))
                }
            }
        }

        func readStage(_ cursor: YAMLCursor) -> ReadStageConfig? {
            guard let keys = cursor.mapping(allowed: PipelineLoader.readKeys, required: ["path", "features"]) else { return nil }
            let header = keys["header"]?.bool() ?? true
            let delimiter = keys["delimiter"].flatMap { delimiterByte($0, rule: .read) } ?? 0x2C
            let maxRecordBytes = keys["max_record_bytes"]?.int(in: 16...(1 << 30)) ?? (1 << 20)
            let features = keys["features"].flatMap { columns($0, header: header, allowEmpty: false) }
            let carryAll = keys["carry"]?.isScalar == true && keys["carry"]?.scalarValue()?.text == "*"
            let carry = carryAll ? [] : keys["carry"].flatMap { columns($0, header: header, allowEmpty: true) } ?? []
            guard let pathCursor = keys["path"], let inputs = inputPaths(pathCursor), let features else { return nil }
            var read = ReadStageConfig(inputs: inputs.map { resolve($0, at: pathCursor) }, header: header, delimiter: delimiter, features: features,
                                       carry: carry, maxRecordBytes: maxRecordBytes)
            read.pathOrigin = pathCursor.origin
            read.carryAll = carryAll
            return read
        }

        /// `path`: one path or glob pattern, or a list of them.
        func inputPaths(_ cursor: YAMLCursor) -> [String]? {
            if case .sequence = cursor.node {
                guard let elements = cursor.sequence(), !elements.isEmpty else {
                    cursor.report("must list at least one input")
                    return nil
                }
                let paths = elements.compactMap { $0.nonEmptyString() }
                if elements.count > 1, paths.count == elements.count, let stdin = paths.firstIndex(of: "-") {
                    elements[stdin].report("standard input (\"-\") cannot be one of several inputs")
                    return nil
                }
                return paths.count == elements.count ? paths : nil
            }
            return cursor.nonEmptyString().map { [$0] }
        }

        func columns(_ cursor: YAMLCursor, header: Bool, allowEmpty: Bool) -> [ColumnSelector]? {
            guard let elements = cursor.sequence() else { return nil }
            if elements.isEmpty && !allowEmpty {
                cursor.report("must list at least one column")
                return nil
            }
            var selectors: [ColumnSelector] = []
            var seen: Set<String> = []
            for element in elements {
                guard element.isScalar else {
                    element.report("expected a column name or index, found \(element.kindName)")
                    continue
                }
                guard let scalar = element.scalarValue() else { continue }
                let ref: ColumnRef
                if header {
                    ref = .name(scalar.text)
                } else if scalar.typed, let index = Int(scalar.text), index >= 0 {
                    ref = .index(index)
                } else {
                    element.report("the input has no header (header: false), so columns are 0-based indices; found '\(scalar.text)'")
                    continue
                }
                if !seen.insert(ref.description).inserted {
                    element.report("\(ref) is listed twice")
                    continue
                }
                // Messages name a column the command line gave by its option (`--features`).
                selectors.append(ColumnSelector(ref: ref, keyPath: element.option ?? element.path,
                                                line: element.option == nil ? element.line : nil, column: element.column))
            }
            return selectors.count == elements.count ? selectors : nil
        }

        /// One ASCII character, allowed on its side by `rule`.
        func delimiterByte(_ cursor: YAMLCursor, rule: DelimiterRule) -> UInt8? {
            guard let text = cursor.string() else { return nil }
            let value = text == "\\t" || text == "tab" ? "\t" : text
            guard value.utf8.count == 1, let byte = value.utf8.first, byte != 0x22, byte != 0x0A, byte != 0x0D else {
                cursor.report("the delimiter must be one ASCII character other than a quote or line end (\"\\t\" for tab)")
                return nil
            }
            if let problem = rule.problem(byte) {
                cursor.report(problem)
                return nil
            }
            return byte
        }

        func forwardStage(_ cursor: YAMLCursor) -> ForwardStageConfig? {
            guard let keys = cursor.mapping(allowed: PipelineLoader.forwardKeys) else { return nil }
            switch (keys["model"], keys["layers"]) {
            case (let model?, nil):
                guard let path = model.nonEmptyString() else { return nil }
                diagnostics.noteRead(resolve(path, at: model), role: "model file", at: model)
                guard var forward = modelFile(resolve(path, at: model), cursor: model, activations: keys["activations"], tensors: keys["tensors"],
                                              output: keys["output"]) else {
                    return nil
                }
                return applyForwardOptions(keys, to: &forward) ? forward : nil
            case (nil, let layers?):
                for key in ["activations", "tensors", "output"] where keys[key] != nil {
                    keys[key]?.report("\(key) goes with a model file; inline layers give their own activation")
                }
                guard var forward = inlineModel(layers) else { return nil }
                return applyForwardOptions(keys, to: &forward) ? forward : nil
            case (.some, .some):
                cursor.report("give either model (a file) or layers (inline), not both")
                return nil
            case (nil, nil):
                cursor.report("missing required key 'model' (a model file) or 'layers' (inline)")
                return nil
            }
        }

        func inlineModel(_ cursor: YAMLCursor) -> ForwardStageConfig? {
            guard let elements = cursor.sequence() else { return nil }
            var raw: [WrittenLayer] = []
            for element in elements {
                guard let keys = element.mapping(allowed: PipelineLoader.layerKeys, required: PipelineLoader.layerKeys) else { continue }
                guard let rows = keys["weights"]?.sequence(), let bias = keys["bias"].flatMap(numbers),
                      let activationCursor = keys["activation"], let name = activationCursor.string() else { continue }
                guard let activation = Activation.named(name) else {
                    activationCursor.report("unknown activation '\(name)'; known: \(Activation.knownNames)")
                    continue
                }
                let weights = rows.compactMap(numbers)
                guard weights.count == rows.count else { continue }
                raw.append(.init(weights: weights, bias: bias, activation: activation, path: element.path, line: element.line))
            }
            guard raw.count == elements.count else { return nil }
            do {
                return ForwardStageConfig(network: try WrittenLayer.network(raw, file: diagnostics.file), source: "inline layers")
            } catch let error as ModelError {
                diagnostics.report(ConfigError(file: diagnostics.file, line: error.line, keyPath: error.path, problem: error.problem))
            } catch {
                cursor.report("\(error)")
            }
            return nil
        }

        func numbers(_ cursor: YAMLCursor) -> [Double]? {
            guard let elements = cursor.sequence() else { return nil }
            let values = elements.compactMap { $0.double() }
            return values.count == elements.count ? values : nil
        }

        /// The write stage; `columnCursors` gets the elements of `columns`, when all of them are names.
        func writeStage(_ cursor: YAMLCursor, columnCursors: inout [YAMLCursor]) -> WriteStageConfig? {
            guard let keys = cursor.mapping(allowed: PipelineLoader.writeKeys, required: ["path"]) else { return nil }
            var write = WriteStageConfig(path: "-")
            if let header = keys["header"]?.bool() { write.header = header }
            if let columns = keys["columns"], let elements = columns.sequence() {
                let names = elements.compactMap { $0.nonEmptyString() }
                write.columns = names
                if names.count == elements.count { columnCursors = elements }
            }
            if let compression = keys["compression"]?.choice(["auto", "gzip", "zstd", "none"]) {
                write.compression = OutputCompression(rawValue: compression) ?? .auto
            }
            if let level = keys["gzip_level"]?.int(in: 1...9) { write.gzipLevel = level }
            if let level = keys["zstd_level"]?.int(in: 1...19) { write.zstdLevel = level }
            if let decimals = keys["decimals"]?.int(in: 0...17) { write.decimals = decimals }
            if let delimiter = keys["delimiter"].flatMap({ delimiterByte($0, rule: .write) }) { write.delimiter = delimiter }
            guard let pathCursor = keys["path"], let path = pathCursor.nonEmptyString() else { return nil }
            if let problem = OutputNameTemplate.problem(in: path) {
                pathCursor.report(problem)
                return nil
            }
            write.path = resolve(path, at: pathCursor)
            write.pathOrigin = pathCursor.origin
            return write
        }

        func execution(_ cursor: YAMLCursor) -> ExecutionConfig? {
            guard let keys = cursor.mapping(allowed: PipelineLoader.executionKeys) else { return nil }
            var execution = ExecutionConfig()
            if let rows = keys["chunk_rows"]?.int(in: 1...10_000_000) { execution.chunkRows = rows }
            if let bytes = keys["chunk_bytes"]?.int(in: 1...(1 << 30)) { execution.chunkBytes = bytes }
            if let workers = keys["workers"] {
                let text = workers.scalarValue()?.text  // a failed expansion is reported here
                if text == "auto" {
                    execution.workers = nil
                } else if text != nil || !workers.isScalar, let count = workers.int(in: 1...1024) {
                    execution.workers = count
                }
            }
            if let inFlight = keys["max_chunks_in_flight"]?.int(in: 1...4096) { execution.maxChunksInFlight = inFlight }
            return execution
        }

        func errorPolicy(_ cursor: YAMLCursor) -> ErrorPolicyConfig? {
            guard let keys = cursor.mapping(allowed: PipelineLoader.errorsKeys) else { return nil }
            var config = ErrorPolicyConfig()
            if let policy = keys["policy"]?.choice(ErrorPolicy.allCases.map(\.rawValue)) {
                config.policy = ErrorPolicy(rawValue: policy) ?? .fail
            }
            if let maxErrors = keys["max_errors"]?.int(in: 0...Int.max) { config.maxErrors = maxErrors }
            if let rejectsCursor = keys["rejects"], let rejects = rejectsCursor.nonEmptyString() {
                if let problem = OutputNameTemplate.problem(in: rejects) {
                    rejectsCursor.report(problem)
                } else {
                    config.rejectsPath = resolve(rejects, at: rejectsCursor)
                    config.rejectsOrigin = rejectsCursor.origin
                }
            }
            return config
        }
    }
}
