/// A pipeline file, read and checked: what to read, the transform stages, what to write, how to run.
///
/// Built by ``PipelineLoader`` from YAML; everything that can be checked without the input's
/// header has been checked (types, ranges, model files, the stages' widths, the output's names).
package struct PipelineConfig: Sendable {
    /// The pipeline file as the user named it, for messages.
    package var file: String
    package var read: ReadStageConfig
    /// The transform stages between read and write, checked against each other.
    package var stages: StageChain
    package var write: WriteStageConfig
    package var execution: ExecutionConfig
    package var errors: ErrorPolicyConfig
    /// The `tests:` section: rows and the activations expected for them (``PipelineTester``).
    package var tests: [PipelineTestConfig] = []
    /// The files loading the pipeline read besides the inputs (the pipeline file, model, scaler
    /// and labels files): no output may replace them.
    package var filesRead: [SettingFile] = []

    /// How the rejects file is compressed (from its name's suffix); nil when it is not, or when
    /// there is none.
    package var rejectsCodec: OutputCodec? { errors.rejectsPath.flatMap { write.codec(forName: $0) } }
}

/// A column picked by header name, or by 0-based index when the input has no header.
package enum ColumnRef: Sendable, Equatable, CustomStringConvertible {
    case name(String)
    case index(Int)

    package var description: String {
        switch self {
        case .name(let name): "\"\(name)\""
        case .index(let index): "column \(index)"
        }
    }
}

/// A column reference with where it was written in the pipeline file.
package struct ColumnSelector: Sendable {
    package var ref: ColumnRef
    package var keyPath: String
    package var line: Int?
    package var column: Int?
}

/// The `read` stage: the input and its columns.
package struct ReadStageConfig: Sendable {
    /// The inputs as written, resolved against the pipeline's folder: paths, glob patterns
    /// (`part-*.csv.gz`), or `-` for standard input. Read one after the other (see ``InputFiles``).
    package var inputs: [String]
    /// The first input; setting it replaces them all (`--input`).
    package var path: String {
        get { inputs[0] }
        set { inputs = [newValue] }
    }
    /// Whether the first record is a header of column names.
    package var header: Bool = true
    package var delimiter: UInt8 = 0x2C
    /// Columns fed to the model, in order.
    package var features: [ColumnSelector]
    /// Columns written through to the output unchanged, in order.
    package var carry: [ColumnSelector]
    /// `carry: "*"`: every input column that is not a feature, in input order (``carry`` is
    /// then empty; the columns are known from the header, or without one the first record).
    package var carryAll = false
    /// A record longer than this is an error (protects memory from a missing closing quote).
    package var maxRecordBytes: Int = 1 << 20
    /// Where `path` was set.
    package var pathOrigin = SettingOrigin.pipeline(keyPath: "read.path", line: nil, column: nil)
}

/// How output files are compressed.
package enum OutputCompression: String, Sendable {
    /// gzip when the path ends in `.gz`, zstd when it ends in `.zst`, none otherwise.
    case auto
    case gzip
    case zstd
    case none
}

/// The `write` stage: the output and its format.
package struct WriteStageConfig: Sendable {
    /// The output path resolved against the pipeline's folder, or `-` for standard output; or a
    /// name template with `{stem}` or `{name}` for one output per input (see ``OutputNameTemplate``).
    package var path: String
    /// Whether to write a header row.
    package var header: Bool = true
    /// Names for the output's value columns, everything after the carried ones (default: see
    /// ``StageChain/valueColumnNames``).
    package var columns: [String]?
    package var compression: OutputCompression = .auto
    /// gzip level, 1 (fastest) to 9 (smallest); 1–3 use ISA-L when built in (see ``ChunkCompressors``).
    package var gzipLevel: Int = 3
    /// zstd level, 1 (fastest) to 19 (smallest). 1 by default: on the benchmark's outputs it is
    /// as fast as gzip's default (ISA-L, level 3) and writes smaller files; level 3 took 1.2–1.4×
    /// as long (bench/RESULTS.md, 2026-11-29).
    package var zstdLevel: Int = 1
    /// Digits after the decimal point, or nil for the shortest round-trip form.
    package var decimals: Int?
    package var delimiter: UInt8 = 0x2C
    /// Where `path` was set.
    package var pathOrigin = SettingOrigin.pipeline(keyPath: "write.path", line: nil, column: nil)

    /// Whether the output is compressed.
    package var isCompressed: Bool { codec != nil }

    /// How the output is compressed, nil when it is not.
    package var codec: OutputCodec? {
        switch compression {
        case .gzip: .gzip(level: gzipLevel)
        case .zstd: .zstd(level: zstdLevel)
        case .none: nil
        case .auto: codec(forName: path)
        }
    }

    /// The compression a file named `name` gets from its suffix (the rejects file's, and the
    /// output's with `compression: auto`), at this stage's levels.
    package func codec(forName name: String) -> OutputCodec? {
        if name.hasSuffix(".gz") { return .gzip(level: gzipLevel) }
        if name.hasSuffix(".zst") { return .zstd(level: zstdLevel) }
        return nil
    }
}

/// The `execution` section.
package struct ExecutionConfig: Sendable {
    /// Records per chunk, at most.
    package var chunkRows: Int = 8192
    /// Input bytes per chunk, about: a chunk ends at the first record that reaches it, so wide
    /// rows make chunks of fewer rows and memory stays bounded whatever the row width. Nil: the
    /// plan's default (``PipelinePlan/chunkBytes``).
    package var chunkBytes: Int?
    /// Worker threads, or nil for the number of active processors.
    package var workers: Int?
    /// Chunks in flight at most (read, being processed, or waiting to be written in order),
    /// or nil for twice the workers plus two.
    package var maxChunksInFlight: Int?
    /// Whether a gzip file of one member (8 MiB or more, read from a file) is inflated on the
    /// workers' threads (``SpeculativeGzipReader``) rather than on one; nil: when the run has
    /// four workers or more on as many processors (``GzipMemberFinder/speculativeDecoders(setting:decoders:)``).
    package var parallelGzip: Bool?
    /// Seconds between resume-journal entries, at most one per chunk written; 0: one after every
    /// chunk. Each entry syncs the output first, so a shorter interval means less work done again
    /// after a kill and more syncs.
    package var journalInterval: Double = 2
}

/// What to do with a bad row.
package enum ErrorPolicy: String, Sendable, CaseIterable {
    /// Stop at the first bad row (exit status 65).
    case fail
    /// Drop the row and count it.
    case skip
    /// Write the row to the rejects file and go on.
    case reject
}

/// The `errors` section: the bad-row policy.
package struct ErrorPolicyConfig: Sendable {
    package var policy: ErrorPolicy = .fail
    /// Fail anyway after this many bad rows (skip and reject), or nil for no limit.
    package var maxErrors: Int?
    /// Fail an output whose bad rows (skipped and rejected) are more than this fraction of its rows
    /// read (0 to 1), checked when its inputs are done; nil for no limit.
    package var maxErrorRate: Double?
    /// The rejects file, required with the `reject` policy; or a name template with `{stem}` or
    /// `{name}` (with a `write.path` template): one rejects file per input, beside its output.
    package var rejectsPath: String?
    /// Where `rejects` was set.
    package var rejectsOrigin = SettingOrigin.pipeline(keyPath: "errors.rejects", line: nil, column: nil)
}
