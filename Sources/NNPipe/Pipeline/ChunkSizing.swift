/// How many records the reader puts in each chunk.
///
/// `chunk_rows` records at most; where rows are wide enough that `chunk_bytes` would cut a chunk
/// first, a whole number of the forward pass's blocks of ``Network/blockRows`` rows, the most
/// that stay within `chunk_bytes` (at least one block), learned from the chunks read so far. A
/// block's product always has the same shape (a short block is padded with zero rows, so that a
/// row's result never depends on the chunk size): a chunk of 403 rows cost the product of 512,
/// one of 256 rows costs just that. Chunks stay within twice `chunk_bytes`, whatever the rows'
/// width does later, so memory stays bounded.
struct ChunkSizing {
    /// The largest chunk in records (`chunk_rows`) and its target size in bytes (`chunk_bytes`).
    let maxRecords: Int
    let targetBytes: Int
    /// The records and bytes to ask the reader for next.
    private(set) var records: Int
    private(set) var byteLimit: Int

    init(maxRecords: Int, targetBytes: Int) {
        self.maxRecords = maxRecords
        self.targetBytes = targetBytes
        records = maxRecords
        byteLimit = targetBytes
    }

    /// Learns the rows' width from a chunk just read.
    mutating func learn(from chunk: RawChunk) {
        guard chunk.count > 0 else { return }
        let bytes = chunk.recordEnds[chunk.count - 1]
        let fitting = Int(Double(targetBytes) * Double(chunk.count) / Double(max(bytes, 1)))
        guard fitting < maxRecords else {
            records = maxRecords
            byteLimit = targetBytes
            return
        }
        let block = Network.blockRows
        records = min(maxRecords, max(block, fitting / block * block))
        byteLimit = targetBytes > Int.max / 2 ? targetBytes : 2 * targetBytes
    }
}
