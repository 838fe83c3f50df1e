/// Complete CSV records cut from the input stream, with where each one starts.
public struct RawChunk: Sendable {
    /// 0, 1, 2… in input order.
    public var index: Int
    /// The records' bytes, each with its line terminator (the last record of the input may lack
    /// one), then ``padding`` zero bytes that belong to no record (room for eight-byte reads).
    public var bytes: [UInt8]
    public static let padding = 8
    /// Where each record ends in `bytes` (exclusive); record `i` starts where record `i - 1` ends.
    public var recordEnds: [Int]
    /// The 1-based physical line on which each record starts.
    public var recordLines: [Int]
    /// The input the records come from, for messages.
    public var source: String = ""
    /// Number of records in the chunk.
    public var count: Int { recordEnds.count }

    /// The byte range of record `i`.
    public func range(of i: Int) -> Range<Int> {
        (i == 0 ? 0 : recordEnds[i - 1])..<recordEnds[i]
    }
}
