/// How many records the reader puts in each chunk.
///
/// `chunk_rows` records at most; where rows are wide enough that `chunk_bytes` would cut a chunk
/// first, a whole number of the forward pass's blocks of ``Network/blockRows`` rows, the most
/// that stay within `chunk_bytes` (at least one block), learned from the chunk read last. A
/// block's product always has the same shape (a short block is padded with zero rows, so that a
/// row's result never depends on the chunk size): a chunk of 403 rows cost the product of 512,
/// one of 256 rows costs just that. Chunks stay within a byte limit (and one record), twice
/// `chunk_bytes`, whatever the rows' width does later, so memory stays bounded. Where `chunk_bytes`
/// is not set (the plan's default target, 256 KiB or less), the limit is 2 MiB: rows too wide for
/// a block within the target still get a whole block (W3's rows of 2.6 KB, 256 to a chunk),
/// instead of chunks cut short and padded to one (a fifth more time there).
///
/// Where chunks are cut is part of a compressed output's bytes (a gzip member per chunk), so a
/// resumed run continues with the cut the killed run would have used next (``Cut``, kept in the
/// journal's entries), not with the first chunk's.
struct ChunkSizing {
    /// How the next chunk is cut: at most `records` records, ending at the first record that
    /// reaches `byteLimit` bytes.
    struct Cut: Sendable, Equatable {
        var records: Int
        var byteLimit: Int
    }

    /// The largest chunk in records (`chunk_rows`), its target size in bytes (`chunk_bytes`), and
    /// the most bytes a chunk of whole blocks may take.
    let maxRecords: Int
    let targetBytes: Int
    let limitBytes: Int
    /// The cut to ask the reader for next.
    private(set) var next: Cut
    var records: Int { next.records }
    var byteLimit: Int { next.byteLimit }

    /// Sizing from the start of an output, or, resuming one, from the cut its journal kept.
    /// `limitBytes`: ``PipelinePlan/chunkByteLimit``.
    init(maxRecords: Int, targetBytes: Int, limitBytes: Int, continuing cut: Cut? = nil) {
        self.maxRecords = maxRecords
        self.targetBytes = targetBytes
        self.limitBytes = limitBytes
        next = cut ?? Cut(records: maxRecords, byteLimit: targetBytes)
    }

    /// Learns the rows' width from a chunk just read.
    mutating func learn(from chunk: RawChunk) {
        guard chunk.count > 0 else { return }
        let bytes = chunk.recordBytes
        let fitting = Int(Double(targetBytes) * Double(chunk.count) / Double(max(bytes, 1)))
        guard fitting < maxRecords else {
            next = Cut(records: maxRecords, byteLimit: targetBytes)
            return
        }
        let block = Network.blockRows
        next = Cut(records: min(maxRecords, max(block, fitting / block * block)), byteLimit: limitBytes)
    }
}
