import Foundation

/// Everything a run needs, resolved against the input's header: which field feeds which model
/// input, which fields are carried, the stages, and the output's header.
///
/// Made by ``PipelinePlan/init(config:firstRecord:inputName:rejectsNameFile:)`` after the header
/// (or, without one, the first record) is read and before any row is processed. The pipeline
/// itself was checked when it was loaded: what can go wrong here is the input's (status 65).
package struct PipelinePlan: Sendable {
    package let config: PipelineConfig
    /// The input's column names (from its header), or nil without a header.
    package let columnNames: [String]?
    /// Fields every record must have.
    package let fieldCount: Int
    /// 0-based input field index of each model input, in order.
    package let featureFields: [Int]
    /// 0-based input field index of each carried column, in output order.
    package let carryFields: [Int]
    /// The fields a record's split keeps: up to the last one read (the rest are only counted).
    package var fieldsRead: Int { (featureFields + carryFields).max().map { $0 + 1 } ?? 0 }
    /// The output header's names: carried columns, then the stages' columns.
    package let outputNames: [String]
    /// Whether rejects lines start with the input file (one rejects file gathers the rows of
    /// several inputs).
    package let rejectsNameFile: Bool

    /// The transform stages, ready to run.
    package var chain: StageChain { config.stages }

    /// Resolves the pipeline's columns against the input's first record.
    ///
    /// - Parameter firstRecord: the fields of the first record (the header, or the first data
    ///   record when `read.header` is false); nil for an input without a header and without
    ///   rows, which then has as many fields as the largest column index asks for.
    package init(config: PipelineConfig, firstRecord: [String]?, inputName: String, rejectsNameFile: Bool = false) throws {
        self.config = config
        self.rejectsNameFile = rejectsNameFile
        let read = config.read
        // Each name's field, so that resolving F features costs F look-ups, not F scans of the header.
        var fieldOfName: [String: Int] = [:]
        let header = read.header ? firstRecord ?? [] : []
        if read.header {
            fieldOfName.reserveCapacity(header.count)
            for (index, name) in header.enumerated() {
                if let earlier = fieldOfName.updateValue(index, forKey: name) {
                    throw InputError(.badData, file: inputName, line: 1,
                                     problem: "duplicate column name \"\(name)\" in the header (fields \(earlier + 1) and \(index + 1))")
                }
            }
            columnNames = header
        } else {
            columnNames = nil
        }
        let fieldCount = firstRecord?.count ?? (read.features + read.carry).reduce(0) { width, selector in
            if case .index(let index) = selector.ref { return max(width, index + 1) }
            return width
        }
        self.fieldCount = fieldCount

        func resolve(_ selectors: [ColumnSelector], role: String) throws -> [Int] {
            var missing: [ColumnSelector] = []
            var indices: [Int] = []
            for selector in selectors {
                switch selector.ref {
                case .name(let name):
                    if let index = fieldOfName[name] { indices.append(index) } else { missing.append(selector) }
                case .index(let index):
                    if index < fieldCount { indices.append(index) } else { missing.append(selector) }
                }
            }
            guard let first = missing.first else { return indices }
            // An index is named by its number alone: "feature column 2", "carried columns 0, 5".
            let names = missing.map { selector in
                if case .index(let index) = selector.ref { return "\(index)" }
                return selector.ref.description
            }.joined(separator: ", ")
            let present = read.header
                ? "columns present: " + header.map { "\"\($0)\"" }.joined(separator: ", ")
                : "records have \(fieldCount) fields (indices 0-\(fieldCount - 1))"
            var where_ = config.file
            if let line = first.line { where_ += ":\(line)" }
            let hints = read.header ? Self.hints(missing: missing.compactMap { selector -> String? in
                if case .name(let name) = selector.ref { return name }
                return nil
            }, header: header, read: read,
                                                 commandLine: config.file == CommandLinePipeline.name) : ""
            throw InputError(.badData, file: inputName, line: 1,
                             problem: "\(role) column\(missing.count > 1 ? "s" : "") \(names) (\(where_) \(first.keyPath)) not in the input; \(present)\(hints)")
        }
        let features = try resolve(read.features, role: "feature")
        featureFields = features
        carryFields = read.carryAll
            ? Array(0..<fieldCount).filter { !features.contains($0) }
            : try resolve(read.carry, role: "carried")

        let carryNames = read.header
            ? carryFields.map { header[$0] }
            : carryFields.map { "c\($0)" }
        let valueNames = config.write.columns ?? config.stages.valueColumnNames
        // The loader checks named carried columns against the output's; "*" names them here.
        if read.carryAll, config.write.header, let clash = carryNames.first(where: valueNames.contains) {
            throw InputError(.badData, file: inputName, line: 1,
                             problem: "the input column \"\(clash)\", carried by carry: \"*\", has the name of an output column (\(valueNames.joined(separator: ","))); carry the columns by name, or name the outputs with write.columns")
        }
        outputNames = carryNames + valueNames
    }

    /// What a user most likely meant when columns are missing: another delimiter (a header that
    /// is one field holding `;`, a tab or `|`), or a column whose name differs by case, spaces or a
    /// letter or two. Empty when nothing stands out.
    static func hints(missing: [String], header: [String], read: ReadStageConfig, commandLine: Bool) -> String {
        if header.count == 1 {
            for (byte, shown) in [(UInt8(ascii: ";"), ";"), (0x09, "\\t"), (UInt8(ascii: "|"), "|"), (UInt8(ascii: ","), ",")]
                where byte != read.delimiter && header[0].utf8.contains(byte) {
                let how = commandLine ? "add --delimiter '\(shown)'" : "set read.delimiter: \"\(shown)\" in the pipeline file (or --set read.delimiter='\(shown)')"
                return "; the header looks \(shown)-delimited: \(how)"
            }
        }
        let meant = missing.compactMap { name -> String? in
            guard let close = closest(to: name, in: header) else { return nil }
            return "\"\(close)\" for \"\(name)\""
        }
        return meant.isEmpty ? "" : "; did you mean " + meant.joined(separator: ", ") + "?"
    }

    /// The header name `name` most likely stands for: equal but for case and spaces around it, or
    /// at most one edit away (two for names of eight characters or more); nil when none or several.
    static func closest(to name: String, in header: [String]) -> String? {
        func folded(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces).lowercased() }
        let same = header.filter { folded($0) == folded(name) }
        if same.count == 1 { return same[0] }
        let allowed = name.count >= 8 ? 2 : 1
        let near = header.filter { editDistance(folded($0), folded(name), limit: allowed) <= allowed }
        return near.count == 1 ? near[0] : nil
    }

    /// Levenshtein distance of `a` and `b`, or more than `limit` when it is larger.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a), b = Array(b)
        if abs(a.count - b.count) > limit { return limit + 1 }
        // One row of the table at a time: distances from a's first i characters to b's prefixes.
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The number of worker threads.
    package var workers: Int { config.execution.workers ?? ProcessorInfo.activeProcessors }

    /// Chunks always allowed in flight (read and waiting, being processed, or waiting to be
    /// written): each worker one being processed and one waiting, the reader and the writer one
    /// each. `max_chunks_in_flight`, where set, bounds these too.
    package var minChunksInFlight: Int { 2 * workers + 2 }

    /// Chunks in flight at most: `max_chunks_in_flight`, or by default as many chunks of
    /// ``chunkBytes`` as ``inFlightBytes`` holds (32 of 256 KiB), at least ``minChunksInFlight``;
    /// beyond the minimum, their input bytes also stay within ``inFlightBytes``
    /// (``inFlightByteLimit``), so that wide rows' larger chunks are fewer.
    package var maxChunksInFlight: Int {
        config.execution.maxChunksInFlight ?? max(minChunksInFlight, min(4096, Self.inFlightBytes / max(chunkBytes, 1)))
    }

    /// The input bytes of the chunks in flight beyond ``minChunksInFlight``, at most: by default
    /// ``inFlightBytes``; none where `max_chunks_in_flight` is set (its count alone bounds them).
    package var inFlightByteLimit: Int? { config.execution.maxChunksInFlight == nil ? Self.inFlightBytes : nil }

    /// The default bytes of chunks in flight: more than the minimum count gives on a few cores
    /// keeps the reader from waiting on the workers' uneven pace (W2 at 17 digits on 2 cores: 6
    /// chunks of 256 KiB 1.85 s, 32 of them 1.63-1.66 s, the same CPU time; 5 MiB more memory).
    package static let inFlightBytes = 8 << 20

    /// Input bytes per chunk, about: `chunk_bytes`, or by default 256 KiB; where the output is
    /// plain text, ``inFlightBytes`` shared among the chunks that must be in flight where that is
    /// less (from 16 workers, 34 or more), down to 128 KiB.
    ///
    /// The chunks in flight and the workers' buffers grow with a chunk: with 1 MiB, W2 at 16
    /// workers peaked at 109 MiB; now 53 (on 2 cores; 2 workers 40 instead of 50, in the same
    /// time). Rows too wide for several blocks a chunk get one block whatever the workers
    /// (``chunkByteLimit``), so their memory still grows with them (W3: 56 MiB at 2 workers, 108
    /// at 16). A compressed output's chunk stays 256 KiB on any machine: each chunk is a gzip
    /// member or zstd frame of its own, so where chunks are cut is part of its bytes, and those
    /// must not depend on the processors.
    package var chunkBytes: Int {
        if let bytes = config.execution.chunkBytes { return bytes }
        let standard = 256 << 10
        if config.write.isCompressed || config.rejectsCodec != nil { return standard }
        return min(standard, max(128 << 10, Self.inFlightBytes / (config.execution.maxChunksInFlight ?? minChunksInFlight)))
    }

    /// The most bytes a chunk of whole blocks of rows takes (``ChunkSizing``): twice `chunk_bytes`,
    /// or, by default, 2 MiB: rows too wide for a block of 256 within ``chunkBytes`` (W3's 2.6 KB)
    /// still get a whole block rather than a chunk cut short and padded to one (a fifth more time
    /// for W3).
    package var chunkByteLimit: Int { config.execution.chunkBytes.map { 2 * $0 } ?? 2 << 20 }
}
