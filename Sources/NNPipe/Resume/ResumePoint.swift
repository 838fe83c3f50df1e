/// One journal entry: how far a run had got with everything before it on disk.
///
/// Written only after the output and rejects data it counts have been synced: resuming truncates
/// the temporary files to ``outputLength`` and ``rejectsLength`` and reads on from ``next``.
struct ResumePoint {
    /// Where the next unread record begins.
    var next: InputPosition
    /// Chunks written so far.
    var chunks: Int
    /// Rows read, written, skipped and rejected so far (none is discarded while the run goes on).
    var rows = RowCounts()
    /// The bad rows counted towards `max_errors` (over the whole run).
    var badRows = 0
    /// The same counts for each input of this output that has had rows, in order (`file`: its
    /// index among the output's inputs).
    var inputs: [(file: Int, rows: RowCounts)] = []
    /// The temporary output's and rejects file's lengths.
    var outputLength: Int
    var rejectsLength: Int
    /// The ``ContentChecksum`` of those first bytes of each.
    var outputChecksum: UInt32 = 0
    var rejectsChecksum: UInt32 = 0
    /// Whether the output was complete (written just before it was renamed into place).
    var done = false
    /// How the next chunk is cut (``ChunkSizing``), so the resumed output's gzip members end
    /// where the killed run's would have; nil in the `done` entry.
    var nextCut: ChunkSizing.Cut?

    /// The entry as one journal line's text (without checksum and newline).
    var line: String {
        let counts = inputs.map { "\($0.file):\($0.rows.read):\($0.rows.written):\($0.rows.skipped):\($0.rows.rejected)" }
            .joined(separator: ",")
        return "entry file=\(next.file) offset=\(next.offset) stored=\(next.storedOffset) line=\(next.line) chunks=\(chunks) "
            + "read=\(rows.read) written=\(rows.written) skipped=\(rows.skipped) rejected=\(rows.rejected) bad=\(badRows) "
            + "output=\(outputLength) rejects=\(rejectsLength) sums=\(Self.hex(outputChecksum)):\(Self.hex(rejectsChecksum)) done=\(done ? 1 : 0) inputs=\(counts.isEmpty ? "-" : counts)"
            + (nextCut.map { " cut=\($0.records):\($0.byteLimit)" } ?? "")
    }

    /// Reads an entry line's text; nil when it is not one.
    init?(line: String) {
        var values: [String: String] = [:]
        let words = line.split(separator: " ")
        guard words.first == "entry" else { return nil }
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            values[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        // Every count, offset and length is at least 0 (a negative offset would read the input
        // again from its start after what the output already holds).
        func number(_ key: String) -> Int? { values[key].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil } }
        guard let file = number("file"), let offset = number("offset"), let stored = number("stored"), let line = number("line"),
              let chunks = number("chunks"), let read = number("read"), let written = number("written"),
              let skipped = number("skipped"), let rejected = number("rejected"), let bad = number("bad"),
              let output = number("output"), let rejects = number("rejects"), let done = number("done"),
              let inputs = values["inputs"], let sums = values["sums"] else { return nil }
        let checksums = sums.split(separator: ":").compactMap { UInt32($0, radix: 16) }
        guard checksums.count == 2 else { return nil }
        (outputChecksum, rejectsChecksum) = (checksums[0], checksums[1])
        next = InputPosition(file: file, offset: offset, storedOffset: stored, line: line)
        self.chunks = chunks
        rows = RowCounts(read: read, written: written, skipped: skipped, rejected: rejected)
        badRows = bad
        (outputLength, rejectsLength, self.done) = (output, rejects, done == 1)
        if let cut = values["cut"] {
            let n = cut.split(separator: ":").compactMap { Int($0) }
            guard n.count == 2, n[0] > 0, n[1] > 0 else { return nil }
            nextCut = ChunkSizing.Cut(records: n[0], byteLimit: n[1])
        }
        if inputs != "-" {
            for item in inputs.split(separator: ",") {
                let n = item.split(separator: ":").compactMap { Int($0) }
                guard n.count == 5 else { return nil }
                self.inputs.append((n[0], RowCounts(read: n[1], written: n[2], skipped: n[3], rejected: n[4])))
            }
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    init(next: InputPosition, chunks: Int, outputLength: Int, rejectsLength: Int) {
        self.next = next
        self.chunks = chunks
        self.outputLength = outputLength
        self.rejectsLength = rejectsLength
    }
}
