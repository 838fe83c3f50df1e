import Foundation

/// Everything a run needs, resolved against the input's header: which field feeds which model
/// input, which fields are carried, the network, and the output's header.
///
/// Made by ``PipelinePlan/init(config:firstRecord:inputName:)`` after the header (or, without one, the first
/// record) is read and before any row is processed.
public struct PipelinePlan: Sendable {
    public let config: PipelineConfig
    /// The input's column names (from its header), or nil without a header.
    public let columnNames: [String]?
    /// Fields every record must have.
    public let fieldCount: Int
    /// 0-based input field index of each model input, in order.
    public let featureFields: [Int]
    /// 0-based input field index of each carried column, in output order.
    public let carryFields: [Int]
    /// The transform stages, ready to run.
    public let chain: TransformChain
    /// The output header's names: carried columns, then activations.
    public let outputNames: [String]
    /// Whether rejects lines start with the input file (the run reads more than one).
    public var rejectsNameFile = false

    /// Resolves the pipeline's columns against the input's first record.
    ///
    /// - Parameter firstRecord: the fields of the first record (the header, or the first data record
    ///   when `read.header` is false).
    public init(config: PipelineConfig, firstRecord: [String], inputName: String) throws {
        self.config = config
        let read = config.read
        // Each name's field, so that resolving F features costs F look-ups, not F scans of the header.
        var fieldOfName: [String: Int] = [:]
        if read.header {
            fieldOfName.reserveCapacity(firstRecord.count)
            for (index, name) in firstRecord.enumerated() {
                if let earlier = fieldOfName.updateValue(index, forKey: name) {
                    throw InputError(.badData, file: inputName, line: 1,
                                     problem: "duplicate column name \"\(name)\" in the header (fields \(earlier + 1) and \(index + 1))")
                }
            }
            columnNames = firstRecord
        } else {
            columnNames = nil
        }
        fieldCount = firstRecord.count

        func resolve(_ selectors: [ColumnSelector], role: String) throws -> [Int] {
            var missing: [ColumnSelector] = []
            var indices: [Int] = []
            for selector in selectors {
                switch selector.ref {
                case .name(let name):
                    if let index = fieldOfName[name] { indices.append(index) } else { missing.append(selector) }
                case .index(let index):
                    if index < firstRecord.count { indices.append(index) } else { missing.append(selector) }
                }
            }
            guard let first = missing.first else { return indices }
            // An index is named by its number alone: "feature column 2", "carried columns 0, 5".
            let names = missing.map { selector in
                if case .index(let index) = selector.ref { return "\(index)" }
                return selector.ref.description
            }.joined(separator: ", ")
            let present = read.header
                ? "columns present: " + firstRecord.map { "\"\($0)\"" }.joined(separator: ", ")
                : "records have \(firstRecord.count) fields (indices 0-\(firstRecord.count - 1))"
            var where_ = config.file
            if let line = first.line { where_ += ":\(line)" }
            throw InputError(.badData, file: inputName, line: 1,
                             problem: "\(role) column\(missing.count > 1 ? "s" : "") \(names) (\(where_) \(first.keyPath)) not in the input; \(present)")
        }
        let features = try resolve(read.features, role: "feature")
        featureFields = features
        carryFields = read.carryAll
            ? Array(0..<firstRecord.count).filter { !features.contains($0) }
            : try resolve(read.carry, role: "carried")

        chain = TransformChain(stages: config.transforms, inputWidth: featureFields.count)

        let carryNames = read.header
            ? carryFields.map { firstRecord[$0] }
            : carryFields.map { "c\($0)" }
        let valueNames = config.write.columns ?? chain.valueColumnNames
        // The loader checks named carried columns against the output's; "*" names them here.
        if read.carryAll, config.write.header, let clash = carryNames.first(where: valueNames.contains) {
            throw InputError(.badData, file: inputName, line: 1,
                             problem: "the input column \"\(clash)\", carried by carry: \"*\", has the name of an output column (\(valueNames.joined(separator: ","))); carry the columns by name, or name the outputs with write.columns")
        }
        outputNames = carryNames + valueNames
    }

    /// The number of worker threads.
    public var workers: Int { config.execution.workers ?? ProcessorInfo.activeProcessors }

    /// Chunks in flight at most: read and waiting, being processed, or waiting to be written.
    public var maxChunksInFlight: Int { config.execution.maxChunksInFlight ?? (2 * workers + 2) }
}

/// The machine's processors.
public enum ProcessorInfo {
    /// The machine's active processors (Foundation's count; it does not narrow to a `taskset`
    /// affinity mask, so pass `--workers` under one).
    public static var activeProcessors: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
