/// The `write` stage's keys, and the `execution` and `errors` sections.
extension PipelineLoader.Context {
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
        if let parallel = keys["parallel_gzip"]?.bool() { execution.parallelGzip = parallel }
        if let intervalCursor = keys["journal_interval"], let interval = intervalCursor.double() {
            if interval >= 0 && interval <= 86_400 {
                execution.journalInterval = interval
            } else {
                intervalCursor.report("expected seconds between resume-journal entries, from 0 (after every chunk) to 86400, found \(interval)")
            }
        }
        return execution
    }

    func errorPolicy(_ cursor: YAMLCursor) -> ErrorPolicyConfig? {
        guard let keys = cursor.mapping(allowed: PipelineLoader.errorsKeys) else { return nil }
        var config = ErrorPolicyConfig()
        if let policy = keys["policy"]?.choice(ErrorPolicy.allCases.map(\.rawValue)) {
            config.policy = ErrorPolicy(rawValue: policy) ?? .fail
        }
        if let maxErrors = keys["max_errors"]?.int(in: 0...Int.max) { config.maxErrors = maxErrors }
        if let rateCursor = keys["max_error_rate"], let rate = rateCursor.double() {
            if rate >= 0 && rate <= 1 {
                config.maxErrorRate = rate
            } else {
                rateCursor.report("expected a fraction of the rows read, from 0 to 1 (0.01 for 1%), found \(rate)")
            }
        }
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
