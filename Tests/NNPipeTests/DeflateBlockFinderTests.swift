import Testing

@testable import NNPipe

/// The block finder's fast scan against the plain definition: the first candidate is the first
/// bit position whose header ``DeflateBlockFinder/isDynamicHeader(_:at:)`` accepts, and that check
/// accepts exactly the headers the marker decoder (zlib's checks) accepts.
@Suite("The deflate block finder")
struct DeflateBlockFinderTests {
    /// Compressed data of every kind of block, and random bytes.
    static let inputs: [(String, [UInt8])] = {
        var random = FuzzTests.SplitMix(state: 11)
        let noise = (0..<60_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        return [("deflate", MarkerInflateTests.mixedStream(SpeculativeGzipTests.csv(rows: 20_000, seed: 5))), ("random", noise)]
    }()

    /// Scanned one position after another.
    static func firstHeader(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        let last = min(to, bytes.count * 8 - 80)
        guard from < last else { return nil }
        return (from..<last).first { DeflateBlockFinder.isDynamicHeader(bytes, at: $0) }
    }

    @Test("the first candidate from every kind of start and end is the first position one after another finds",
          arguments: [0, 1])
    func sameAsOneByOne(input: Int) {
        let (name, data) = Self.inputs[input]
        var random = FuzzTests.SplitMix(state: 17)
        data.withUnsafeBufferPointer { bytes in
            var found = 0
            // Every bit offset of a start, ends near it (shorter than one step of the scan) and far.
            for trial in 0..<400 {
                let from = trial < 64 ? trial : Int.random(in: 0..<(bytes.count * 8), using: &random)
                let reach = trial % 3 == 0 ? Int.random(in: 0...90, using: &random) : Int.random(in: 0...60_000, using: &random)
                let to = from + reach
                let expected = Self.firstHeader(bytes, from: from, to: to)
                #expect(DeflateBlockFinder.candidate(in: bytes, from: from, to: to) == expected, "\(name): from \(from) to \(to)")
                if expected != nil { found += 1 }
            }
            // Random bytes hold almost no header zlib accepts: there the scan must find none falsely.
            #expect(name == "random" || found > 20, "\(name): \(found) starts found a candidate")
        }
    }

    /// The messages of the marker decoder (zlib's) for a header it refuses.
    static let headerRefusals = ["too many length or distance symbols", "invalid code lengths set", "invalid bit length repeat",
                                 "invalid code -- missing end-of-block", "invalid literal/lengths set", "invalid distances set"]

    @Test("a header is a candidate exactly where zlib's checks accept it", arguments: [0, 1])
    func acceptsWhatZlibAccepts(input: Int) {
        let (name, data) = Self.inputs[input]
        data.withUnsafeBufferPointer { bytes in
            var accepted = 0, checked = 0
            // Every position whose first 3 bits are BFINAL 0 and BTYPE 2, with room for any header.
            for bit in 0..<(bytes.count * 8 - 4096) where (Int(bytes[bit / 8]) | Int(bytes[bit / 8 + 1]) << 8) >> (bit % 8) & 0b111 == 0b100 {
                checked += 1
                let run = MarkerInflate.run(bytes, base: 0, from: bit, stopAtOrAfter: bit + 1, limit: 1 << 20)
                let zlibAccepts = !(run.failure.map { Self.headerRefusals.contains($0) } ?? false)
                #expect(DeflateBlockFinder.isDynamicHeader(bytes, at: bit) == zlibAccepts, "\(name): bit \(bit): \(run.failure ?? "decodes")")
                if zlibAccepts { accepted += 1 }
            }
            print("\(name): \(accepted) of \(checked) accepted")
            #expect(checked > 10_000 && (name == "random" || accepted > 10), "\(name): \(accepted) of \(checked) accepted")
        }
    }
}
