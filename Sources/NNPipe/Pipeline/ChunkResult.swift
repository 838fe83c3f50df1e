/// What a worker made of one chunk: the encoded output, the rejected rows, and the counts.
package struct ChunkResult: Sendable {
    package var index: Int
    /// The chunk's input bytes (its room among the chunks in flight, given back once it is written).
    package var inputBytes = 0
    /// The input file the chunk's records come from, as messages name it.
    package var source = ""
    /// CSV output (a gzip member when the output is compressed).
    package var output: [UInt8] = []
    /// Rejects-file lines (a gzip member when that file is compressed).
    package var rejects: [UInt8] = []
    /// The chunk's rows read, written, skipped and rejected.
    package var rows = RowCounts()
    /// The chunk's bad rows, in input order (all of them under skip and reject; the first under fail).
    package var badRows: [RowError] = []
    /// Under the fail policy, the bad row that stops the run (``output`` then holds the rows
    /// before it).
    package var failure: RowError?
    /// Where each of ``badRows`` lies in the chunk, for a writer that must stop at one of them.
    package var badRowMarks: [BadRowMark] = []
    /// Kept only when the writer may have to stop inside this chunk (bad rows under `max_errors`):
    /// the output before compression, the end of each good row's line in it, and the rejects
    /// lines before compression.
    package var plainOutput: [UInt8]?
    package var lineEnds: [Int] = []
    package var plainRejects: [UInt8]?

    package init(index: Int) { self.index = index }
}

/// Where a bad row lies in its chunk: its record index, and how many good rows and rejects-line
/// bytes come before it.
package struct BadRowMark: Sendable {
    package var record: Int
    package var goodRowsBefore: Int
    package var rejectsBytesBefore: Int
}
