/// Complete CSV records cut from the input stream, with where each one starts.
package struct RawChunk: Sendable {
    /// 0, 1, 2… in input order.
    package var index: Int
    /// The records' bytes, each with its line terminator (the last record of the input may lack
    /// one), then ``padding`` zero bytes that belong to no record (room for eight-byte reads).
    package var bytes: [UInt8]
    package static let padding = 8
    /// Where each record ends in `bytes` (exclusive); record `i` starts where record `i - 1` ends.
    package var recordEnds: [Int]
    /// The 1-based physical line on which each record starts.
    package var recordLines: [Int]
    /// The input the records come from, for messages.
    package var source: String = ""
    /// Number of records in the chunk.
    package var count: Int { recordEnds.count }

    /// The byte range of record `i`.
    package func range(of i: Int) -> Range<Int> {
        (i == 0 ? 0 : recordEnds[i - 1])..<recordEnds[i]
    }
}
