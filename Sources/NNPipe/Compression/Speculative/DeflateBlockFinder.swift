/// Finds bit positions in raw deflate data where a dynamic-Huffman block may start: the block
/// header as zlib would accept it. Most bit positions fail on their first three bits; what passes
/// is then tried by inflating (``SpeculativePart``), and only a join with the part before it (the
/// real decoder reaching exactly that position at a block's end) makes it trusted.
///
/// Stored and fixed-Huffman blocks are not looked for: compressors write dynamic blocks for text,
/// and a part that starts at a missed boundary is decoded again from the real one.
enum DeflateBlockFinder {
    /// The order in which a dynamic block lists its code-length code's lengths (RFC 1951, 3.2.7).
    private static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// The first candidate bit position in `[from, to)` of `bytes` (positions counted from the
    /// first byte), nil when none.
    ///
    /// Scans 45 positions at a time: one word of the input, shifted against itself, gives a mask
    /// of the positions whose first 13 bits can begin a dynamic header (BFINAL 0, BTYPE 2, at
    /// most 286 literal/length and 30 distance codes), about 1 in 9 in compressed data; only
    /// those are checked further. The distance to a region's first block boundary is tens of
    /// kilobytes of compressed data, so this scan is a large part of starting a region.
    static func candidate(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        // A dynamic header needs 3 + 14 + 19 * 3 = 74 bits at most.
        let last = min(to, bytes.count * 8 - 80)
        var position = from
        while position < last {
            // 57 bits or more from `position`: positions 0...44 of it have their 13 bits.
            let word = load(bytes, position >> 3) >> UInt64(position & 7)
            // Bits 0-2 are 0, 0, 1 (BFINAL 0, BTYPE 2); HLIT (bits 3-7) and HDIST (bits 8-12)
            // are at most 29, that is, not bits 4-7 (9-12) all set.
            var mask = ~word & ~(word >> 1) & (word >> 2)
            mask &= ~(word >> 4 & word >> 5 & word >> 6 & word >> 7)
            mask &= ~(word >> 9 & word >> 10 & word >> 11 & word >> 12)
            let span = min(45, last - position)
            mask &= (1 << UInt64(span)) - 1
            while mask != 0 {
                let offset = mask.trailingZeroBitCount
                if isDynamicHeader(bytes, at: position + offset) { return position + offset }
                mask &= mask - 1
            }
            position += span
        }
        return nil
    }

    /// The Kraft sums, in 128ths, of every 4 code-length code lengths (12 bits, as packed): a
    /// header's code-length code is complete when the sums of its groups make exactly 128.
    private static let kraftSums: [UInt16] = (0..<4096).map { packed in
        (0..<4).reduce(UInt16(0)) { sum, i in
            let length = (packed >> (3 * i)) & 7
            return sum + (length > 0 ? UInt16(128 >> length) : 0)
        }
    }

    /// The 8 bytes at `index` as a little-endian word (zeros past the end).
    @inline(__always)
    private static func load(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt64 {
        if index + 8 <= bytes.count, let base = bytes.baseAddress {
            return UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
        }
        var word: UInt64 = 0
        for i in 0..<max(0, min(8, bytes.count - index)) { word |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        return word
    }

    /// `count` bits at bit `position` (LSB first, as deflate packs them), `count` at most 57.
    @inline(__always)
    private static func bits(_ bytes: UnsafeBufferPointer<UInt8>, _ position: Int, _ count: Int) -> Int {
        Int((load(bytes, position >> 3) >> UInt64(position & 7)) & ((1 << UInt64(count)) - 1))
    }

    /// Whether a dynamic block's header could start at bit `position`, as zlib would accept it:
    /// not the last block, type 2, at most 286 literal/length and 30 distance codes, a complete
    /// code-length code, code lengths that decode with it (repeats inside the list), an
    /// end-of-block code, and literal/length and distance codes neither over-subscribed nor
    /// incomplete (one code of length 1 aside, as zlib allows).
    static func isDynamicHeader(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        let head = bits(bytes, position, 17)
        guard head & 0b111 == 0b100 else { return false }
        let literals = (head >> 3) & 31 + 257, distances = (head >> 8) & 31 + 1, listed = (head >> 13) + 4
        guard literals <= 286, distances <= 30 else { return false }
        // The code-length code: Kraft's sum in 128ths, exactly 128 for a complete code.
        let packed = bits(bytes, position + 17, listed * 3)
        let complete = kraftSums.withUnsafeBufferPointer { sums in
            sums[packed & 0xFFF] + sums[packed >> 12 & 0xFFF] + sums[packed >> 24 & 0xFFF] + sums[packed >> 36 & 0xFFF]
                + sums[packed >> 48 & 0xFFF] == 128
        }
        guard complete else { return false }
        // The rest without allocating: scratch space on the stack.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 19 + 8 + 8 + 128 + 316) { scratch in
            let base = scratch.baseAddress!
            base.initialize(repeating: 0, count: scratch.count)
            let codeLengths = base, count = base + 19, next = base + 27, table = base + 35, lengths = base + 163
            for i in 0..<listed { codeLengths[order[i]] = (packed >> (3 * i)) & 7 }
            // A table of the next 7 bits (as read) to symbol << 3 | length, from the canonical codes.
            for symbol in 0..<19 where codeLengths[symbol] > 0 { count[codeLengths[symbol]] += 1 }
            var code = 0
            for length in 1...7 {
                code = (code + count[length - 1]) << 1
                next[length] = code
            }
            for symbol in 0..<19 where codeLengths[symbol] > 0 {
                let length = codeLengths[symbol]
                let canonical = next[length]
                next[length] += 1
                // Codes are packed from their most significant bit: reversed, they are read as bits.
                var index = HuffmanTable.reversed(canonical, length)
                while index < 128 {
                    table[index] = symbol << 3 | length
                    index += 1 << length
                }
            }
            var cursor = position + 17 + listed * 3
            let end = bytes.count * 8
            let total = literals + distances
            var filled = 0
            while filled < total {
                guard cursor + 7 + 7 <= end else { return false }
                let entry = table[bits(bytes, cursor, 7)]
                cursor += entry & 7
                let symbol = entry >> 3
                switch symbol {
                case 0...15:
                    lengths[filled] = symbol
                    filled += 1
                case 16:
                    let repeats = 3 + bits(bytes, cursor, 2)
                    cursor += 2
                    guard filled > 0, filled + repeats <= total else { return false }
                    for _ in 0..<repeats { lengths[filled] = lengths[filled - 1]; filled += 1 }
                case 17:
                    filled += 3 + bits(bytes, cursor, 3)
                    cursor += 3
                    guard filled <= total else { return false }
                default:
                    filled += 11 + bits(bytes, cursor, 7)
                    cursor += 7
                    guard filled <= total else { return false }
                }
            }
            guard lengths[256] > 0 else { return false }
            return isAcceptable(UnsafeBufferPointer(start: lengths, count: literals), .literals)
                && isAcceptable(UnsafeBufferPointer(start: lengths + literals, count: distances), .distances)
        }
    }

    /// Whether bits `[from, to)` of `bytes` (positions counted from the first byte) are one or
    /// more empty blocks that are not the stream's last: what pigz writes between the parts it
    /// compressed apart (empty fixed-code blocks of 10 bits to reach a byte boundary, or a sync
    /// flush's empty stored block, `00 00 FF FF` after its header), as zlib's `Z_SYNC_FLUSH` and
    /// `Z_FULL_FLUSH` do. They decode to nothing, so a part found after them joins the part before
    /// them.
    static func onlyEmptyBlocks(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        var position = from
        while position < to {
            guard (position + 10 + 7) / 8 + 4 <= bytes.count else { return false }
            // BFINAL 0, BTYPE 01, the end-of-block code 0000000.
            if bits(bytes, position, 10) == 0b0000000_01_0 {
                position += 10
                continue
            }
            // BFINAL 0, BTYPE 00, to the byte's end; then LEN 0 and NLEN 0xFFFF.
            guard bits(bytes, position, 3) == 0 else { return false }
            let lengths = (position + 3 + 7) / 8 * 8
            guard bits(bytes, lengths, 32) == 0xFFFF_0000 else { return false }
            position = lengths + 32
        }
        return position == to
    }

    /// Whether zlib builds a code from these lengths (``HuffmanTable/isAcceptable(counts:longest:kind:)``).
    private static func isAcceptable(_ lengths: UnsafeBufferPointer<Int>, _ kind: HuffmanTable.Kind) -> Bool {
        var count = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &count) { raw in
            let count = raw.bindMemory(to: Int.self)
            var longest = 0
            for length in lengths {
                count[length] += 1
                longest = max(longest, length)
            }
            return HuffmanTable.isAcceptable(counts: count.baseAddress!, longest: longest, kind: kind)
        }
    }
}
