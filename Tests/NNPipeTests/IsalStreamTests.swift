#if ISAL
import Foundation
import Glibc
import Testing

@testable import NNPipe

/// ISA-L inflating from a block boundary with the real window, its input cut at a guessed
/// boundary (``IsalStream``), against zlib's block boundaries of a stream that holds every kind
/// of block.
@Suite("ISA-L inflates from a known boundary and stops exactly at a guessed one it confirms")
struct IsalStreamTests {
    /// `stream` in a file, open; the file is removed when `body` returns.
    static func withFile<R>(_ stream: [UInt8], _ body: (Int32) throws -> R) throws -> R {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-isal-\(UUID().uuidString)").path
        try Data(stream).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        return try body(descriptor)
    }

    /// Inflates from bit `start` up to the first guessed boundary at or after `stop` that ISA-L
    /// confirms (the input cut at each guess in turn), or the stream's end: the bytes, where it
    /// ended, whether the stream ended; nil on a failure.
    static func inflate(_ stream: [UInt8], descriptor: Int32, from start: Int, window: [UInt8], stop: Int,
                        readSize: Int) throws -> (bytes: [UInt8], end: Int, ended: Bool)? {
        let inflater = try #require(window.withUnsafeBufferPointer {
            IsalStream(descriptor: descriptor, fileSize: stream.count, from: start, window: $0)
        })
        var guess = stream.withUnsafeBufferPointer { DeflateBlockFinder.candidate(in: $0, from: max(stop, start + 1), to: stream.count * 8) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSize)
        while true {
            inflater.inputEnd = guess.map { ($0 + 7) / 8 } ?? stream.count
            while true {
                let count = try buffer.withUnsafeMutableBufferPointer { try inflater.read(into: $0.baseAddress!, capacity: $0.count) }
                if count == 0 { break }
                bytes += buffer[..<count]
            }
            if inflater.streamEnded { return (bytes, inflater.position, true) }
            guard let at = guess else { return nil }
            if inflater.endsBetweenBlocks(at: at) { return (bytes, at, false) }
            guess = stream.withUnsafeBufferPointer { DeflateBlockFinder.candidate(in: $0, from: at + 1, to: stream.count * 8) }
        }
    }

    @Test("from every block boundary, to stopping points all through the stream: zlib's bytes, ending at the first dynamic block at or after the point")
    func everyBoundary() throws {
        let text = SpeculativeGzipTests.csv(rows: 40_000, seed: 5)
        let stream = MarkerInflateTests.mixedStream(text)
        let (boundaries, output) = MarkerInflateTests.boundaries(stream)
        // A Bool: on a failed == of two large arrays the testing library computes their difference, which does not end.
        let decoded = output == text
        #expect(decoded, "\(output.count) bytes decoded, \(text.count) expected")
        let streamEnd = boundaries.last!
        // Where ISA-L may stop: a boundary followed by a dynamic block (the finder looks for
        // nothing else), not the stream's end.
        let dynamic = boundaries.dropLast().filter { bit, _ in
            (Int(stream[bit / 8]) | Int(stream[bit / 8 + 1]) << 8) >> (bit % 8) & 0b111 == 0b100
        }
        #expect(dynamic.count > 10, "\(dynamic.count) dynamic blocks")
        try Self.withFile(stream) { descriptor in
            var stoppedEarly = 0
            for (index, (bit, before)) in boundaries.dropLast().enumerated() {
                let window = Array(output[max(0, before - MarkerInflate.windowSize)..<before])
                // A stopping point past the start, some inside blocks, some on boundaries; reads
                // of several sizes.
                let stop = index % 3 == 0 ? bit + 1 : bit + 1 + (index * 7919) % max(1, streamEnd.bit - bit)
                let run = try #require(try Self.inflate(stream, descriptor: descriptor, from: bit, window: window, stop: stop,
                                                        readSize: [1 << 20, 4096, 100_003][index % 3]), "from bit \(bit)")
                let expected = dynamic.first { $0.bit >= stop } ?? streamEnd
                // At the stream's end ISA-L gives back the bits of the last byte it did not use.
                let end = expected.bit == streamEnd.bit ? (streamEnd.bit + 7) / 8 * 8 : expected.bit
                #expect(run.end == end && run.ended == (expected.bit == streamEnd.bit),
                        "from bit \(bit), stop \(stop): ended at \(run.end), expected \(end)")
                #expect(run.bytes == Array(output[before..<expected.bytes]) ? true : false, "from bit \(bit), stop \(stop)")
                if !run.ended { stoppedEarly += 1 }
            }
            #expect(stoppedEarly > 10)
        }
    }

    @Test("a guess that is no boundary is read through; the data cut short or without its window fails")
    func falseGuessesAndFailures() throws {
        let text = SpeculativeGzipTests.csv(rows: 20_000, seed: 9)
        let stream = MarkerInflateTests.mixedStream(text)
        let (boundaries, output) = MarkerInflateTests.boundaries(stream)
        let real = Set(boundaries.map(\.bit))
        try Self.withFile(stream) { descriptor in
            // Every candidate the finder gives that is not a real boundary.
            var position = 0, falseOnes = 0
            while let found = stream.withUnsafeBufferPointer({ DeflateBlockFinder.candidate(in: $0, from: position, to: stream.count * 8) }) {
                position = found + 1
                guard !real.contains(found) else { continue }
                falseOnes += 1
                let run = try #require(try Self.inflate(stream, descriptor: descriptor, from: 0, window: [], stop: found, readSize: 1 << 16))
                let reached = try #require(boundaries.first { $0.bit == run.end } ?? (run.ended ? boundaries.last : nil), "false guess \(found): ended at \(run.end)")
                #expect(run.end > found)
                #expect(run.bytes == Array(output[..<reached.bytes]) ? true : false)
            }
            // Stored and Huffman-only blocks hold bit patterns that look like headers.
            #expect(falseOnes > 0, "no false candidate in \(stream.count) bytes")
            // Inflated from a boundary far into the stream without its window: ISA-L's error.
            let (bit, _) = try #require(boundaries.dropLast().first { $0.bytes > 100_000 })
            #expect(throws: IsalStream.Failure.self) {
                _ = try Self.inflate(stream, descriptor: descriptor, from: bit, window: [], stop: Int.max, readSize: 1 << 16)
            }
        }
        // The file ends inside a block: the input runs out, the stream has not ended.
        let cut = Array(stream[..<(stream.count / 2)])
        try Self.withFile(cut) { descriptor in
            let run = try Self.inflate(cut, descriptor: descriptor, from: 0, window: [], stop: Int.max, readSize: 1 << 16)
            #expect(run?.bytes == nil)
        }
    }
}
#endif
