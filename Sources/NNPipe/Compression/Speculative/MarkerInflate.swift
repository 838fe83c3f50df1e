/// Raw deflate data inflated from a block boundary with the 32 KiB window before it unknown, in
/// one pass: each decoded byte is a 16-bit symbol, the byte itself (0-255) or a marker
/// `256 + i` naming byte `i` of the unknown window (0 its oldest), also when it comes to a byte
/// through copies of copies. Once the window is known the markers are replaced
/// (``SpeculativePart``).
///
/// This is rapidgzip's method (Knespel and Brunst, HPDC 2023). It accepts exactly the streams
/// zlib accepts (the same checks on block headers, codes and symbols), so a guessed start that is
/// not a block boundary fails as it would in zlib; a guess is still trusted only when the real
/// decoding before it ends exactly there.
struct MarkerInflate {
    /// The decoded symbols.
    var symbols = SymbolBuffer()
    /// The bit position (in the file) where decoding stopped: a block boundary, or the byte after
    /// the last block when ``streamEnded``.
    var end = 0
    var streamEnded = false
    /// Why the data did not decode.
    var failure: String?
    /// Whether the bytes ran out before a boundary at or after the stopping point.
    var ranOut = false
    /// Whether it failed for decoding to more than the limit.
    var overLimit: Bool { failure?.hasPrefix("decodes to more than") == true }

    static let windowSize = 32 * 1024

    /// The symbols a decoder's buffer first holds for `bytes` compressed bytes: 4 times as many,
    /// at most `limit`, and room past them for the longest match.
    static func symbolCapacity(bytes: Int, limit: Int) -> Int {
        min(limit, max(1 << 16, 4 * bytes)) + Decoder.slack
    }

    /// Decodes `bytes` (the file's bytes from offset `base`) from bit `start` (a block boundary,
    /// in the file, at or after `base * 8`) until the first block boundary at or after bit
    /// `stop`, or the stream's end. At most `limit` symbols are decoded (more is a failure: a
    /// compression bomb, or a false start). The symbols go into a buffer of `storage` where it
    /// has one large enough.
    static func run(_ bytes: UnsafeBufferPointer<UInt8>, base: Int, from start: Int, stopAtOrAfter stop: Int,
                    limit: Int, storage: SymbolStorage? = nil) -> MarkerInflate {
        var result = MarkerInflate()
        result.end = start
        let first = start / 8 - base
        guard first >= 0, first < bytes.count, let address = bytes.baseAddress else {
            result.ranOut = true
            return result
        }
        var decoder = Decoder(input: address, count: bytes.count, at: first, limit: limit, storage: storage)
        defer { decoder.release() }
        decoder.skip(start % 8)
        while true {
            let outcome = decoder.block()
            result.end = (base + decoder.position) * 8 - decoder.bitCount
            if decoder.pastEnd {
                result.ranOut = true
                break
            }
            if let outcome {
                // A failure in the zeros fed in past the end is the bytes running out.
                if decoder.padding > 0 {
                    result.ranOut = true
                    break
                }
                result.failure = outcome
                break
            }
            if decoder.lastBlock {
                // The stream's last byte is padded to a whole byte (zlib reports the end so).
                result.end = (result.end + 7) / 8 * 8
                result.streamEnded = true
                break
            }
            if result.end >= stop { break }
        }
        // The decoder's buffer itself: a region's 2-3 MB are not copied.
        result.symbols = SymbolBuffer(taking: decoder.output, count: decoder.produced, from: decoder.outputStorage)
        return result
    }

    /// The decoding state: a bit buffer over the input, the symbols so far, the block's codes.
    private struct Decoder {
        let input: UnsafePointer<UInt8>
        let count: Int
        /// The next input byte not yet in the bit buffer.
        var position: Int
        var bitBuffer: UInt64 = 0
        var bitCount = 0
        /// Zero bytes fed in past the input's end.
        var padding = 0
        var output: UnsafeMutablePointer<UInt16>
        var capacity: Int
        var produced = 0
        let limit: Int
        var lastBlock = false
        var literals = HuffmanTable(primaryBits: 10)
        var distances = HuffmanTable(primaryBits: 8)
        var codeLengths = HuffmanTable(primaryBits: 7)
        /// Code lengths being read (the code-length code's 19, or a block's up to 316).
        let lengths = UnsafeMutablePointer<UInt8>.allocate(capacity: 320)

        /// Where `output` was taken from (nil: allocated here).
        var outputStorage: SymbolStorage?

        init(input: UnsafePointer<UInt8>, count: Int, at position: Int, limit: Int, storage: SymbolStorage?) {
            self.input = input
            self.count = count
            self.position = position
            self.limit = limit
            capacity = MarkerInflate.symbolCapacity(bytes: count - position, limit: limit)
            if let storage, storage.capacity >= capacity, let buffer = storage.take() {
                output = buffer
                // All of the buffer, but no more than the limit: past it the decoder stops.
                capacity = min(storage.capacity, limit + Self.slack)
                outputStorage = storage
            } else {
                output = .allocate(capacity: capacity)
            }
        }

        /// Frees the tables; the output goes on in a ``SymbolBuffer``.
        func release() {
            literals.deallocate()
            distances.deallocate()
            codeLengths.deallocate()
            lengths.deallocate()
        }

        /// Whether decoding used bits past the input's end.
        var pastEnd: Bool { position * 8 - bitCount > count * 8 }

        /// Fills the bit buffer to at least 56 bits.
        @inline(__always)
        mutating func refill() {
            Self.refill(input, count, &position, &bitBuffer, &bitCount, &padding)
        }

        /// ``refill()`` on copies of the fields held in registers by the block's loop.
        @inline(__always)
        static func refill(_ input: UnsafePointer<UInt8>, _ count: Int, _ position: inout Int, _ bitBuffer: inout UInt64,
                           _ bitCount: inout Int, _ padding: inout Int) {
            if position &+ 8 <= count {
                // The bits past the whole bytes counted are those bytes' own, ORed in again alike
                // by the next refill (libdeflate's branch-free refill).
                bitBuffer |= UInt64(littleEndian: UnsafeRawPointer(input + position).loadUnaligned(as: UInt64.self)) &<< UInt64(bitCount)
                position &+= (63 &- bitCount) &>> 3
                bitCount |= 56
                return
            }
            while bitCount <= 56 {
                if position < count {
                    bitBuffer |= UInt64(input[position]) &<< UInt64(bitCount)
                } else {
                    padding += 1
                }
                position += 1
                bitCount += 8
            }
        }

        @inline(__always)
        mutating func skip(_ bits: Int) {
            refill()
            bitBuffer >>= UInt64(bits)
            bitCount -= bits
        }

        /// The next `n` bits (at most 32; the buffer must hold them).
        @inline(__always)
        mutating func take(_ n: Int) -> Int {
            let value = Int(truncatingIfNeeded: bitBuffer & ((1 &<< UInt64(n)) &- 1))
            bitBuffer &>>= UInt64(n)
            bitCount &-= n
            return value
        }

        /// Room past the symbols for a match of the longest length, copied a word at a time.
        static let slack = 272

        /// Room for a match of the longest length; false past the limit.
        @inline(__always)
        mutating func reserve() -> Bool {
            if produced + Self.slack <= capacity { return true }
            guard produced < limit else { return false }
            let larger = min(limit, capacity * 2) + Self.slack
            let grown = UnsafeMutablePointer<UInt16>.allocate(capacity: larger)
            grown.update(from: output, count: produced)
            if let storage = outputStorage { storage.give(output) } else { output.deallocate() }
            outputStorage = nil
            output = grown
            capacity = larger
            return true
        }

        /// Decodes one block; nil when it decoded, else why not (zlib's words).
        mutating func block() -> String? {
            refill()
            lastBlock = take(1) == 1
            switch take(2) {
            case 0: return stored()
            case 1:
                fixedCodes()
                return huffmanData()
            case 2:
                if let problem = dynamicCodes() { return problem }
                return huffmanData()
            default: return "invalid block type"
            }
        }

        mutating func stored() -> String? {
            // To the byte boundary, then LEN and its complement.
            bitBuffer >>= UInt64(bitCount & 7)
            bitCount -= bitCount & 7
            refill()
            let length = take(16), complement = take(16)
            guard length == ~complement & 0xFFFF else { return "invalid stored block lengths" }
            for _ in 0..<length {
                if produced + 1 > capacity, !reserve() { return "decodes to more than \(limit) bytes" }
                if bitCount < 8 { refill() }
                output[produced] = UInt16(take(8))
                produced += 1
                if pastEnd { return nil }
            }
            return nil
        }

        mutating func fixedCodes() {
            for symbol in 0..<288 { lengths[symbol] = symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8 }
            _ = literals.build(lengths, count: 288, kind: .literals)
            for symbol in 0..<32 { lengths[symbol] = 5 }
            _ = distances.build(lengths, count: 32, kind: .distances)
        }

        static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

        mutating func dynamicCodes() -> String? {
            refill()
            let literalCount = take(5) + 257, distanceCount = take(5) + 1, listed = take(4) + 4
            guard literalCount <= 286, distanceCount <= 30 else { return "too many length or distance symbols" }
            for i in 0..<19 { lengths[i] = 0 }
            refill()
            for i in 0..<listed {
                if bitCount < 3 { refill() }
                lengths[Self.order[i]] = UInt8(take(3))
            }
            guard codeLengths.build(lengths, count: 19, kind: .codeLengths) else { return "invalid code lengths set" }
            // The literal/length and distance code lengths, one run-length coded list.
            let total = literalCount + distanceCount
            var filled = 0
            while filled < total {
                refill()
                let entry = codeLengths.entries[Int(truncatingIfNeeded: bitBuffer) & ((1 << codeLengths.bits) - 1)]
                let length = Int(entry & 15)
                guard length != 0 else { return "invalid code lengths set" }
                bitBuffer >>= UInt64(length)
                bitCount -= length
                let symbol = Int(entry >> 16)
                if symbol < 16 {
                    lengths[filled] = UInt8(symbol)
                    filled += 1
                    continue
                }
                var value: UInt8 = 0, repeats: Int
                switch symbol {
                case 16:
                    guard filled > 0 else { return "invalid bit length repeat" }
                    value = lengths[filled - 1]
                    repeats = 3 + take(2)
                case 17: repeats = 3 + take(3)
                default: repeats = 11 + take(7)
                }
                guard filled + repeats <= total else { return "invalid bit length repeat" }
                for _ in 0..<repeats {
                    lengths[filled] = value
                    filled += 1
                }
            }
            guard lengths[256] != 0 else { return "invalid code -- missing end-of-block" }
            guard literals.build(lengths, count: literalCount, kind: .literals) else { return "invalid literal/lengths set" }
            guard distances.build(lengths + literalCount, count: distanceCount, kind: .distances) else {
                return "invalid distances set"
            }
            return nil
        }

        /// The symbols of a Huffman-coded block, to its end-of-block code.
        mutating func huffmanData() -> String? {
            let literalMask = UInt64((1 << literals.bits) - 1), distanceMask = UInt64((1 << distances.bits) - 1)
            let literalEntries = literals.entries, distanceEntries = distances.entries
            // The hot fields as locals, kept in registers, stored back on the way out.
            var bitBuffer = self.bitBuffer, bitCount = self.bitCount, position = self.position, padding = self.padding
            var produced = self.produced, output = self.output, capacity = self.capacity
            let input = self.input, count = self.count
            defer {
                self.bitBuffer = bitBuffer
                self.bitCount = bitCount
                self.position = position
                self.padding = padding
                self.produced = produced
            }
            /// Whether decoding used bits past the input's end.
            @inline(__always) func pastEnd() -> Bool { padding != 0 && position &* 8 &- bitCount > count &* 8 }
            while true {
                if produced &+ Self.slack > capacity {
                    self.produced = produced
                    guard reserve() else { return "decodes to more than \(limit) bytes" }
                    output = self.output
                    capacity = self.capacity
                }
                // 56 bits or more: a literal/length code and its extra bits (20), then (after
                // another refill if needed) a distance code and its extra bits (28).
                if bitCount < 20 {
                    Self.refill(input, count, &position, &bitBuffer, &bitCount, &padding)
                    if pastEnd() { return nil }
                }
                let entry = Self.nextEntry(literalEntries, literalMask, &bitBuffer, &bitCount)
                guard entry & 15 != 0 else { return "invalid literal/length code" }
                let kind = entry & HuffmanTable.Entry.kindMask
                if kind == HuffmanTable.Entry.literal {
                    // One literal or two (a pair): both lanes stored, the count advanced.
                    let pair = entry >> 16
                    UnsafeMutableRawPointer(output + produced).storeBytes(of: pair & 0xFF | (pair >> 8) << 16, as: UInt32.self)
                    produced &+= 1 &+ Int((entry >> 4) & 15)
                    continue
                }
                if kind == HuffmanTable.Entry.endOfBlock { return nil }
                guard kind == HuffmanTable.Entry.match else { return "invalid literal/length code" }
                let length = Self.value(entry, &bitBuffer, &bitCount)
                if bitCount < 28 {
                    Self.refill(input, count, &position, &bitBuffer, &bitCount, &padding)
                    if pastEnd() { return nil }
                }
                let distanceEntry = Self.nextEntry(distanceEntries, distanceMask, &bitBuffer, &bitCount)
                guard distanceEntry & 15 != 0, distanceEntry & HuffmanTable.Entry.kindMask == HuffmanTable.Entry.match else {
                    return "invalid distance code"
                }
                let distance = Self.value(distanceEntry, &bitBuffer, &bitCount)
                Self.copy(output, produced, length: length, distance: distance)
                produced &+= length
            }
        }

        /// The entry of the next code in `entries` (a primary table of `mask + 1` entries, then
        /// its subtables), its bits dropped; length 0 (in the low 4 bits) where no code starts.
        @inline(__always)
        static func nextEntry(_ entries: UnsafeMutablePointer<UInt32>, _ mask: UInt64, _ bitBuffer: inout UInt64,
                              _ bitCount: inout Int) -> UInt32 {
            var entry = entries[Int(truncatingIfNeeded: bitBuffer & mask)]
            if entry & HuffmanTable.Entry.kindMask == HuffmanTable.Entry.subtable {
                entry = subtableEntry(entry, entries, &bitBuffer, &bitCount)
            }
            bitBuffer &>>= UInt64(entry & 15)
            bitCount &-= Int(entry & 15)
            return entry
        }

        /// A length's or distance's value: the entry's base plus the extra bits after its code.
        @inline(__always)
        static func value(_ entry: UInt32, _ bitBuffer: inout UInt64, _ bitCount: inout Int) -> Int {
            let extra = UInt64((entry >> 4) & 15)
            let value = Int(entry >> 16) &+ Int(truncatingIfNeeded: bitBuffer & ((1 &<< extra) &- 1))
            bitBuffer &>>= extra
            bitCount &-= Int(extra)
            return value
        }

        /// The entry of a code longer than the primary table: the primary bits dropped, the rest
        /// looked up in the subtable `entry` names.
        @inline(__always)
        static func subtableEntry(_ entry: UInt32, _ entries: UnsafeMutablePointer<UInt32>, _ bitBuffer: inout UInt64,
                                  _ bitCount: inout Int) -> UInt32 {
            bitBuffer &>>= UInt64(entry & 15)
            bitCount &-= Int(entry & 15)
            let width = UInt64((entry >> 4) & 15)
            return entries[Int(entry >> 16) &+ Int(truncatingIfNeeded: bitBuffer & ((1 &<< width) &- 1))]
        }

        /// A match: `length` symbols from `distance` back, written at `output + produced`;
        /// markers for those before the part. Up to 7 symbols past the match may be written.
        @inline(__always)
        static func copy(_ output: UnsafeMutablePointer<UInt16>, _ produced: Int, length: Int, distance: Int) {
            let target = output + produced
            if distance <= produced {
                let source = target - distance
                if distance >= 8 {
                    // Eight symbols a copy; the source is at least that far behind.
                    var i = 0
                    repeat {
                        UnsafeMutableRawPointer(target + i).storeBytes(
                            of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<UInt16>.self), as: SIMD8<UInt16>.self)
                        i &+= 8
                    } while i < length
                } else if distance >= 4 {
                    var i = 0
                    repeat {
                        UnsafeMutableRawPointer(target + i).storeBytes(
                            of: UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
                        i &+= 4
                    } while i < length
                } else {
                    for i in 0..<length { target[i] = source[i] }
                }
            } else {
                // Window position of the first symbol: produced - distance is negative.
                let window = MarkerInflate.windowSize + produced - distance
                for i in 0..<length {
                    let from = produced + i - distance
                    target[i] = from >= 0 ? output[from] : UInt16(256 + window + i)
                }
            }
        }
    }
}
