/// What a worker made of one chunk: the encoded output, the rejected rows, and the counts.
public struct ChunkResult: Sendable {
    public var index: Int
    /// CSV output (a gzip member when the output is compressed).
    public var output: [UInt8] = []
    /// Rejects-file lines (a gzip member when that file is compressed).
    public var rejects: [UInt8] = []
    public var rowsRead = 0
    public var rowsWritten = 0
    public var rowsSkipped = 0
    public var rowsRejected = 0
    /// The chunk's bad rows, in input order (all of them under skip and reject; the first under fail).
    public var badRows: [RowError] = []
    /// Under the fail policy, the bad row that stops the run.
    public var failure: RowError?

    public init(index: Int) { self.index = index }
}
