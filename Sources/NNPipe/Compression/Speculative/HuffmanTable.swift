/// A canonical Huffman code of deflate (RFC 1951, 3.2.2) as a lookup table indexed by the next
/// `bits` bits of the stream (LSB first): each entry is the symbol's ``Entry`` with the code's
/// length in its low 4 bits, length 0 for a bit pattern no code starts (an incomplete code's hole).
///
/// The table has `1 << bits` entries, `bits` the code's longest length (at most 15), so one load
/// decodes any symbol; it is rebuilt for each dynamic block (about 4-32 K entries against a block
/// of about 16 K symbols).
struct HuffmanTable {
    private(set) var entries: UnsafeMutablePointer<UInt32>
    /// The primary table's index width: the longest code, or ``primaryBits`` when codes are longer.
    private(set) var bits = 1
    /// At most this many bits index the primary table (small enough to stay in the L1 cache);
    /// longer codes go on in a subtable its entry names.
    let primaryBits: Int

    /// Which codes zlib accepts: the code-length code must be complete; literal/length and
    /// distance codes may be incomplete only as one code of length 1, and a distance code may be
    /// empty.
    enum Kind { case codeLengths, literals, distances }

    init(primaryBits: Int) {
        self.primaryBits = primaryBits
        // Subtables hold at most 2^15 entries in all (one per 15-bit pattern).
        entries = .allocate(capacity: (1 << primaryBits) + (1 << 15))
    }

    func deallocate() { entries.deallocate() }

    /// What a symbol means, ready to use: bits 4-7 the extra bits that follow its code, bits 8-10
    /// its kind, bits 16-31 its value (a literal byte, a length's or distance's base, a code
    /// length).
    ///
    /// In a literal/length table (``pairLiterals(primary:)``), a literal's entry may hold
    /// the literal after it too: bits 16-23 the first, 24-31 the second, bits 4-7 the count less
    /// one (1), and the two codes' lengths summed in the low 4 bits.
    enum Entry {
        static let literal: UInt32 = 0, match: UInt32 = 1 << 8, endOfBlock: UInt32 = 2 << 8, invalid: UInt32 = 3 << 8
        /// A primary entry for longer codes: the subtable's offset (value) and width (extra).
        static let subtable: UInt32 = 4 << 8
        static let kindMask: UInt32 = 7 << 8

        static func make(_ kind: UInt32, extra: Int = 0, value: Int = 0) -> UInt32 {
            kind | UInt32(extra) << 4 | UInt32(value) << 16
        }

        /// The literal/length alphabet (RFC 1951, 3.2.5): 286 and 287 are never valid.
        static let literals: [UInt32] = (0..<288).map { symbol in
            let base = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
            let extra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
            switch symbol {
            case ..<256: return make(literal, value: symbol)
            case 256: return endOfBlock
            case 257...285: return make(match, extra: extra[symbol - 257], value: base[symbol - 257])
            default: return invalid
            }
        }
        /// The distance alphabet: 30 and 31 are never valid.
        static let distances: [UInt32] = (0..<32).map { symbol in
            let base = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                        4097, 6145, 8193, 12289, 16385, 24577]
            guard symbol < 30 else { return invalid }
            return make(match, extra: max(0, symbol / 2 - 1), value: base[symbol])
        }
        /// The code-length alphabet: the symbol itself.
        static let codeLengths: [UInt32] = (0..<19).map { make(literal, value: $0) }
    }

    /// Builds the code whose lengths are `lengths[0..<count]`; false when zlib would refuse it
    /// (over-subscribed, or incomplete where `kind` forbids it).
    mutating func build(_ lengths: UnsafePointer<UInt8>, count: Int, kind: Kind) -> Bool {
        let meaning = switch kind {
        case .codeLengths: Entry.codeLengths
        case .literals: Entry.literals
        case .distances: Entry.distances
        }
        return meaning.withUnsafeBufferPointer { build(lengths, count: count, kind: kind, meaning: $0.baseAddress!) }
    }

    private mutating func build(_ lengths: UnsafePointer<UInt8>, count: Int, kind: Kind, meaning: UnsafePointer<UInt32>) -> Bool {
        var counts = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var longest = 0
        withUnsafeMutableBytes(of: &counts) { raw in
            let perLength = raw.bindMemory(to: Int.self)
            for symbol in 0..<count where lengths[symbol] != 0 {
                let length = Int(lengths[symbol])
                perLength[length] += 1
                longest = max(longest, length)
            }
        }
        if longest == 0 {
            // No codes: a block that uses none (a distance code of a block of literals only).
            guard kind == .distances else { return false }
            bits = 1
            entries[0] = 0
            entries[1] = 0
            return true
        }
        return withUnsafeBytes(of: counts) { raw in
            let perLength = raw.bindMemory(to: Int.self)
            guard Self.isAcceptable(counts: perLength.baseAddress!, longest: longest, kind: kind) else { return false }
            // The first code of each length (RFC 1951's next_code), then each symbol's code.
            var next = [Int](repeating: 0, count: 16)
            var code = 0
            for length in 1...15 {
                code = (code + perLength[length - 1]) << 1
                next[length] = code
            }
            var codes = [Int](repeating: 0, count: count)
            for symbol in 0..<count where lengths[symbol] != 0 {
                codes[symbol] = next[Int(lengths[symbol])]
                next[Int(lengths[symbol])] += 1
            }
            let primary = min(longest, primaryBits)
            bits = primary
            entries.update(repeating: 0, count: 1 << primary)
            // Codes longer than the primary table: a subtable for each primary prefix, as wide as
            // the longest code under it.
            var subtableBits: [Int] = []
            if longest > primary {
                subtableBits = [Int](repeating: 0, count: 1 << primary)
                for symbol in 0..<count where Int(lengths[symbol]) > primary {
                    let length = Int(lengths[symbol])
                    let prefix = Self.reversed(codes[symbol] >> (length - primary), primary)
                    subtableBits[prefix] = max(subtableBits[prefix], length - primary)
                }
                var free = 1 << primary
                for prefix in 0..<(1 << primary) where subtableBits[prefix] > 0 {
                    let width = subtableBits[prefix]
                    entries[prefix] = Entry.make(Entry.subtable, extra: width, value: free) | UInt32(primary)
                    (entries + free).update(repeating: 0, count: 1 << width)
                    free += 1 << width
                }
            }
            for symbol in 0..<count where lengths[symbol] != 0 {
                let length = Int(lengths[symbol])
                if length <= primary {
                    // Codes are sent most significant bit first: tables are indexed by them reversed.
                    let entry = meaning[symbol] | UInt32(length)
                    var index = Self.reversed(codes[symbol], length)
                    while index < 1 << primary {
                        entries[index] = entry
                        index += 1 << length
                    }
                } else {
                    let rest = length - primary
                    let prefix = Self.reversed(codes[symbol] >> rest, primary)
                    let table = entries + Int(entries[prefix] >> 16), width = subtableBits[prefix]
                    let entry = meaning[symbol] | UInt32(rest)
                    var index = Self.reversed(codes[symbol] & ((1 << rest) - 1), rest)
                    while index < 1 << width {
                        table[index] = entry
                        index += 1 << rest
                    }
                }
            }
            if kind == .literals { pairLiterals(primary: primary) }
            return true
        }
    }

    /// Pairs each primary entry of a literal with the literal whose code follows it in the same
    /// `primary` bits, where there is one: text is mostly literals of short codes, and a pair
    /// takes one lookup and one store instead of two. From the last index down, so that the
    /// entry of the bits after the first code (a lower index) is still a single one when read.
    private mutating func pairLiterals(primary: Int) {
        for index in stride(from: (1 << primary) - 1, through: 0, by: -1) {
            let first = entries[index]
            let firstLength = Int(first & 15)
            guard first & Entry.kindMask == Entry.literal, firstLength > 0, firstLength < primary else { continue }
            let second = entries[index >> firstLength]
            let secondLength = Int(second & 15)
            guard second & Entry.kindMask == Entry.literal, secondLength > 0, firstLength + secondLength <= primary else { continue }
            entries[index] = Entry.literal | 1 << 4 | (first >> 16) << 16 | (second >> 16) << 24 | UInt32(firstLength + secondLength)
        }
    }

    /// Whether zlib builds a code with `counts[length]` codes of each length 1-15, the longest
    /// `longest` (0: no codes): not over-subscribed, complete unless `kind` allows one code of
    /// length 1, and empty only for distances.
    static func isAcceptable(counts: UnsafePointer<Int>, longest: Int, kind: Kind) -> Bool {
        if longest == 0 { return kind == .distances }
        var left = 1
        for length in 1...15 {
            left = (left << 1) - counts[length]
            if left < 0 { return false }
        }
        return left == 0 || (kind != .codeLengths && longest == 1)
    }

    /// The low `count` bits of `code` in reverse order.
    @inline(__always)
    static func reversed(_ code: Int, _ count: Int) -> Int {
        var result = 0
        for bit in 0..<count where code & (1 << bit) != 0 { result |= 1 << (count - 1 - bit) }
        return result
    }
}
