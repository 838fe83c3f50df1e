/// A run's input files read one after another as one stream of chunks.
///
/// Opening a file reads its first record: the header (which must equal the first file's, field
/// for field) or, without a header, the first data record, handed out first. A chunk never spans
/// two files, and names the file its records come from.
package final class InputSequence {
    package let files: [String]
    private let read: ReadStageConfig
    /// The pipeline file, named in the command a refused input's message suggests.
    private let pipelineFile: String
    private let decoders: Int
    private let parallelGzip: Bool?
    private var nextFile = 0
    /// The files opened so far, as messages name them.
    private(set) var opened: [String] = []
    private var splitter: RecordSplitter?
    private var pending: RawChunk?
    /// The first file's header fields (or first record's, without a header); nil when it is empty.
    private(set) var firstRecord: [String]?
    /// Bytes read from the files before the current one.
    private var bytesOfEarlierFiles = 0

    /// Bytes read from the files as stored (compressed bytes for gzip), for progress.
    var bytesConsumed: Int { bytesOfEarlierFiles + (splitter?.bytesConsumed ?? 0) }

    /// Where the next record begins: the file (an index into ``files``), the offset in its
    /// decompressed stream, the offset in the file as stored (read ahead by at most one read:
    /// for progress only) and the physical line.
    var position: InputPosition {
        InputPosition(file: nextFile - 1, offset: splitter?.position.offset ?? 0, storedOffset: splitter?.bytesConsumed ?? 0,
                      line: splitter?.position.line ?? 1)
    }

    /// Continues at `position` (where an earlier run stopped, always after a record): opens the
    /// files before it (checking their headers) and skips to the record.
    func resume(at position: InputPosition) throws {
        while nextFile - 1 < position.file && nextFile < files.count { try openNext() }
        pending = nil
        try splitter?.skip(to: position.offset, line: position.line)
    }

    /// Opens the first file.
    /// `decoders`: how many parts of a compressed input may decode at once (the run's workers).
    init(files: [String], read: ReadStageConfig, pipelineFile: String = "PIPELINE.yaml",
         decoders: Int = ProcessorInfo.activeProcessors, parallelGzip: Bool? = nil) throws {
        self.parallelGzip = parallelGzip
        self.files = files
        self.read = read
        self.pipelineFile = pipelineFile
        self.decoders = decoders
        try openNext()
    }

    /// Opens every remaining file and reads its first record only, checking each header against
    /// the first file's (for `validate`: a changed header in the third file is found before a
    /// run has written two outputs). The sequence cannot be read from afterwards.
    package func checkEveryHeader() throws {
        while nextFile < files.count { try openNext() }
    }

    /// The next chunk of the current file, moving on to the next file at the end of one.
    func nextChunk(maxRecords: Int, maxBytes: Int) throws -> RawChunk? {
        if let first = pending {
            pending = nil
            return first
        }
        while let current = splitter {
            if let chunk = try current.nextChunk(maxRecords: maxRecords, maxBytes: maxBytes) { return chunk }
            if nextFile == files.count { return nil }
            try openNext()
            // Without a header, the new file's first record was read when it was opened: it comes first.
            if let first = pending {
                pending = nil
                return first
            }
        }
        return nil
    }

    private func openNext() throws {
        let path = files[nextFile]
        let name = InputOpener.displayName(path)
        opened.append(name)
        nextFile += 1
        bytesOfEarlierFiles += splitter?.bytesConsumed ?? 0
        let source = try InputOpener.open(path: path, name: name, delimiter: read.delimiter, pipelineFile: pipelineFile,
                                          decoders: decoders, parallelGzip: parallelGzip)
        let opened = RecordSplitter(source: source, name: name, delimiter: read.delimiter, maxRecordBytes: read.maxRecordBytes)
        splitter = opened
        guard let first = try opened.nextChunk(maxRecords: 1) else {
            if read.header {
                throw InputError(.badData, file: name, line: 1, problem: "the input is empty: no header row")
            }
            return
        }
        let fields = try Self.fields(of: first, read: read, name: name)
        if !read.header {
            pending = first
            if firstRecord == nil { firstRecord = fields }
        } else if let expected = firstRecord {
            if fields != expected {
                throw InputError(.badData, file: name, line: 1,
                                 problem: "the header differs from the first input's (\(InputOpener.displayName(files[0]))): "
                                    + "found \(fields.joined(separator: ",")), expected \(expected.joined(separator: ","))")
            }
        } else {
            firstRecord = fields
        }
    }

    /// The fields of a chunk's first record.
    private static func fields(of chunk: RawChunk, read: ReadStageConfig, name: String) throws -> [String] {
        var chunk = chunk
        chunk.findRecords()
        let parser = CSVRecordParser(delimiter: read.delimiter)
        do throws(CSVRecordParser.Problem) {
            return try chunk.bytes.withUnsafeBufferPointer { bytes throws(CSVRecordParser.Problem) in
                try parser.parse(bytes.baseAddress!, count: chunk.range(of: 0).count)
                return (0..<parser.fieldCount).map { String(decoding: parser.field($0), as: UTF8.self) }
            }
        } catch {
            throw InputError(.badData, file: name, line: chunk.recordLines[0],
                             problem: "\(read.header ? "header" : "first record"): field \(error.field): \(error.reason)")
        }
    }
}

/// A record's place in a run's inputs (see ``InputSequence/position``).
package struct InputPosition: Sendable, Equatable {
    package var file: Int
    package var offset: Int
    package var storedOffset: Int
    package var line: Int
}
