import CZlib
import Testing

@testable import NNPipe

/// The one-pass marker decoder (``MarkerInflate``) against zlib: from every block boundary of a
/// stream that holds every kind of block (dynamic, fixed, stored, Huffman-only, run-length), its
/// symbols with the markers replaced by the real window are zlib's bytes; a damaged stream fails
/// with zlib's message.
@Suite("Inflating without the window, in one pass, gives zlib's bytes once the window is known")
struct MarkerInflateTests {
    /// Raw deflate data of `text` in segments, each written with other zlib settings (a change
    /// of settings ends a block): every kind of block, boundaries at every bit offset.
    static func mixedStream(_ text: [UInt8]) -> [UInt8] {
        // (level, strategy): default, fixed codes, stored, Huffman only, run-length, best, fastest.
        let settings: [(Int32, Int32)] = [(6, Z_DEFAULT_STRATEGY), (6, Z_FIXED), (0, Z_DEFAULT_STRATEGY), (6, Z_HUFFMAN_ONLY),
                                          (6, Z_RLE), (9, Z_DEFAULT_STRATEGY), (1, Z_DEFAULT_STRATEGY), (6, Z_DEFAULT_STRATEGY)]
        var stream = z_stream()
        precondition(CZlib_deflateInit2(&stream, 6, -15) == Z_OK)
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: text.count + text.count / 2 + 4096)
        var written = 0
        let segment = text.count / settings.count + 1
        text.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                for (index, (level, strategy)) in settings.enumerated() {
                    let from = index * segment, to = min(text.count, from + segment)
                    stream.next_out = output.baseAddress! + written
                    stream.avail_out = UInt32(output.count - written)
                    precondition(deflateParams(&stream, level, strategy) == Z_OK)
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + from)
                    stream.avail_in = UInt32(to - from)
                    precondition(deflate(&stream, index == settings.count - 1 ? Z_FINISH : Z_NO_FLUSH) != Z_STREAM_ERROR)
                    written = output.count - Int(stream.avail_out)
                }
            }
        }
        return Array(out[..<written])
    }

    /// zlib's block boundaries in `stream`: (bit position, bytes decoded before it), the stream's
    /// end last, and every byte.
    static func boundaries(_ stream: [UInt8]) -> (boundaries: [(bit: Int, bytes: Int)], output: [UInt8]) {
        stream.withUnsafeBufferPointer { bytes in
            let inflater = BlockInflater(bytes, base: 0, from: 0, dictionary: nil)!
            var found: [(Int, Int)] = []
            while true {
                let step = inflater.step(limit: 1 << 30)
                found.append((inflater.position, inflater.produced))
                if step != .boundary {
                    #expect(step == .streamEnd)
                    break
                }
            }
            return (found, inflater.takeOutput())
        }
    }

    /// `symbols` with markers replaced by `window` (its last 32 KiB; fewer at the stream's start:
    /// nil when a marker names a byte before it).
    static func resolve(_ symbols: [UInt16], window: ArraySlice<UInt8>) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(symbols.count)
        let missing = MarkerInflate.windowSize - window.count
        for symbol in symbols {
            if symbol < 256 {
                bytes.append(UInt8(symbol))
            } else {
                let index = Int(symbol) - 256 - missing
                guard index >= 0 else { return nil }
                bytes.append(window[window.startIndex + index])
            }
        }
        return bytes
    }

    /// A stand-in window for zlib, so that no distance reaches before it.
    static let standIn = (0..<MarkerInflate.windowSize).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }

    /// `bytes` as raw deflate data from bit `from`, by zlib given ``standIn`` and by the marker
    /// decoder with its markers filled in from it: zlib's failure and message (or the bytes running
    /// out), or zlib's bytes and end. Whether zlib failed.
    static func checkAgainstZlib(_ bytes: [UInt8], from: Int, limit: Int, _ label: String) -> Bool {
        let zlib = bytes.withUnsafeBufferPointer { input in
            standIn.withUnsafeBufferPointer { RawInflateRun.run(input, base: 0, from: from, dictionary: $0, stopAtOrAfter: Int.max, limit: limit) }
        }
        let ours = bytes.withUnsafeBufferPointer { MarkerInflate.run($0, base: 0, from: from, stopAtOrAfter: Int.max, limit: limit) }
        if let reason = zlib.failure {
            #expect(ours.failure == reason || ours.ranOut, "\(label): zlib \(reason), ours \(ours.failure ?? "none")")
            return true
        }
        if zlib.ranOut {
            #expect(ours.ranOut || ours.failure != nil, "\(label)")
        } else {
            #expect(ours.failure == nil && ours.end == zlib.end && ours.streamEnded == zlib.streamEnded,
                    "\(label): ours end \(ours.end), zlib's \(zlib.end)")
            #expect(resolve(ours.symbols.array, window: standIn[...]) == zlib.output, "\(label)")
        }
        return false
    }

    @Test("from every block boundary of a stream of every kind of block, to its end and to a stopping point")
    func everyBoundary() {
        let text = SpeculativeGzipTests.csv(rows: 40_000, seed: 3)
        let stream = Self.mixedStream(text)
        let (boundaries, output) = Self.boundaries(stream)
        // A Bool: on a failed == of two large arrays the testing library computes their difference, which does not end.
        let decoded = output == text
        #expect(decoded, "\(output.count) bytes decoded, \(text.count) expected")
        #expect(boundaries.count > 20, "\(boundaries.count) blocks")
        var markers = 0
        stream.withUnsafeBufferPointer { bytes in
            for (index, (bit, before)) in boundaries.dropLast().enumerated() {
                let run = MarkerInflate.run(bytes, base: 0, from: bit, stopAtOrAfter: Int.max, limit: 1 << 30)
                #expect(run.failure == nil && !run.ranOut && run.streamEnded, "from bit \(bit), block \(index) of \(boundaries.count), \(stream.count * 8) bits: \(run.failure ?? "ran out") at \(run.end) after \(run.symbols.count)")
                #expect(run.end == boundaries.last!.bit)
                markers += run.symbols.withSymbols { $0.count { $0 >= 256 } }
                let window = output[max(0, before - MarkerInflate.windowSize)..<before]
                #expect(Self.resolve(run.symbols.array, window: window) == Array(output[before...]), "from block \(index), bit \(bit)")
                // Stopping at the first boundary at or after a point.
                let stop = bit + 1 + (index * 7919) % max(1, boundaries.last!.bit - bit)
                let stopped = MarkerInflate.run(bytes, base: 0, from: bit, stopAtOrAfter: stop, limit: 1 << 30)
                let expected = boundaries.first { $0.bit >= stop }!
                #expect(stopped.end == expected.bit && stopped.symbols.count == expected.bytes - before, "stop at \(stop) from \(bit)")
            }
            // Bytes that end inside a block: ran out, not failed.
            let cut = MarkerInflate.run(UnsafeBufferPointer(rebasing: bytes[..<(bytes.count / 2)]), base: 0, from: 0,
                                        stopAtOrAfter: Int.max, limit: 1 << 30)
            #expect(cut.ranOut && cut.failure == nil)
        }
        #expect(markers > 10_000, "markers seen: \(markers)")
        // Every dynamic block's header passes the block finder's check, as zlib accepts it.
        var dynamic = 0
        stream.withUnsafeBufferPointer { bytes in
            for (bit, _) in boundaries.dropLast() where (Int(bytes[bit / 8]) | Int(bytes[bit / 8 + 1]) << 8) >> (bit % 8) & 0b111 == 0b100 {
                dynamic += 1
                #expect(DeflateBlockFinder.isDynamicHeader(bytes, at: bit), "the dynamic block at bit \(bit)")
            }
        }
        #expect(dynamic > 10, "\(dynamic) dynamic blocks")
    }

    @Test("decoding into buffers used before (a region pool's storage) gives the same symbols as into new ones")
    func reusedBuffers() {
        let text = SpeculativeGzipTests.csv(rows: 40_000, seed: 7)
        let stream = Self.mixedStream(text)
        let boundaries = Self.boundaries(stream).boundaries.dropLast()
        let storage = SymbolStorage(capacity: MarkerInflate.symbolCapacity(bytes: stream.count, limit: 1 << 30))
        var taken: Set<UnsafeMutablePointer<UInt16>> = []
        let (all, output) = Self.boundaries(stream)
        stream.withUnsafeBufferPointer { bytes in
            // Ten boundaries, the longest run first: every later run writes into a buffer that
            // holds an earlier run's symbols past its own end, and that is first filled with
            // symbols no run writes, so that a symbol read before it was written shows.
            for index in stride(from: 0, to: boundaries.count, by: max(1, boundaries.count / 10)) {
                let (bit, before) = boundaries[index]
                if index > 0, let buffer = storage.take() {
                    buffer.initialize(repeating: 0xFFFF, count: storage.capacity)
                    storage.give(buffer)
                }
                let fresh = MarkerInflate.run(bytes, base: 0, from: bit, stopAtOrAfter: Int.max, limit: 1 << 30)
                let reused = MarkerInflate.run(bytes, base: 0, from: bit, stopAtOrAfter: Int.max, limit: 1 << 30, storage: storage)
                #expect(reused.symbols.array == fresh.symbols.array && reused.end == fresh.end && reused.failure == fresh.failure,
                        "from bit \(bit)")
                #expect(reused.end == all.last!.bit)
                let window = output[max(0, before - MarkerInflate.windowSize)..<before]
                #expect(Self.resolve(reused.symbols.array, window: window) == Array(output[before...]), "from bit \(bit)")
                if let base = reused.symbols.withSymbols({ $0.baseAddress }) { taken.insert(UnsafeMutablePointer(mutating: base)) }
            }
        }
        // A buffer larger than the limit: the run stops at the limit as one into a new buffer does.
        stream.withUnsafeBufferPointer { bytes in
            let fresh = MarkerInflate.run(bytes, base: 0, from: 0, stopAtOrAfter: Int.max, limit: 1 << 16)
            let reused = MarkerInflate.run(bytes, base: 0, from: 0, stopAtOrAfter: Int.max, limit: 1 << 16, storage: storage)
            #expect(fresh.overLimit && reused.overLimit && reused.symbols.count == fresh.symbols.count,
                    "\(reused.symbols.count) symbols, \(fresh.symbols.count) into a new buffer")
        }
        // Each run's buffer went back when the run was done with, and the next run took it again.
        #expect(taken.count == 1 && storage.kept == 1, "\(taken.count) buffers, \(storage.kept) kept")
        // Text that decodes to more than the buffer holds: the symbols move to a larger buffer of
        // their own, and the storage's goes back.
        let repetitive = Array(String(repeating: "1.5,2.25,-3\n", count: 200_000).utf8)
        let packed = Self.mixedStream(repetitive)
        let small = SymbolStorage(capacity: MarkerInflate.symbolCapacity(bytes: packed.count, limit: 1 << 30))
        // A buffer kept before the run: the run takes it, and gives it back when it grows.
        let mapped = small.take()!
        small.give(mapped)
        packed.withUnsafeBufferPointer { bytes in
            let fresh = MarkerInflate.run(bytes, base: 0, from: 0, stopAtOrAfter: Int.max, limit: 1 << 30)
            let grown = MarkerInflate.run(bytes, base: 0, from: 0, stopAtOrAfter: Int.max, limit: 1 << 30, storage: small)
            #expect(fresh.symbols.count == repetitive.count && grown.symbols.array == fresh.symbols.array)
            #expect(grown.symbols.count > small.capacity)
        }
        #expect(small.kept == 1)
        let first = small.take()!, second = small.take()!
        #expect(first == mapped)
        #expect(first != second)
        small.give(first)
        #expect(small.take() == first)
        small.give(second)
        small.close()
        #expect(small.kept == 0)
        // Once closed, a buffer handed back is unmapped, not kept.
        small.give(first)
        #expect(small.kept == 0)
        // And none is taken any more.
        #expect(small.take() == nil)
        storage.close()
    }

    @Test("damaged streams fail where zlib fails, with zlib's message, or give zlib's bytes")
    func damaged() {
        let text = SpeculativeGzipTests.csv(rows: 6_000, seed: 5)
        let stream = Self.mixedStream(text)
        var failures = 0
        var state: UInt64 = 0x5EED
        for round in 0..<400 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var damaged = stream
            let at = Int(state >> 33) % damaged.count
            damaged[at] ^= UInt8(truncatingIfNeeded: state >> 20) | 1
            if Self.checkAgainstZlib(damaged, from: 0, limit: 1 << 24, "round \(round), byte \(at)") { failures += 1 }
        }
        // Deflate's codes are complete and the stand-in window lets every distance reach: most
        // changed bytes decode to other bytes, and about one damaged stream in 25 fails.
        #expect(failures > 8, "\(failures) of 400 damaged streams failed in zlib")
    }

    @Test("random bytes from every bit offset: zlib's failure and message, or zlib's bytes")
    func randomBytes() {
        var state: UInt64 = 0xB17E5
        var failures = 0
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<(8 + round % 120) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            if Self.checkAgainstZlib(bytes, from: round % 8, limit: 1 << 20, "round \(round)") { failures += 1 }
        }
        #expect(failures > 1000, "\(failures) of 3000 random streams failed in zlib")
    }
}
