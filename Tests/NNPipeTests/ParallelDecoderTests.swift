import Foundation
import Testing

@testable import NNPipe

/// The parallel decoder (``ParallelDecoder`` over BGZF members or zstd frames) against one
/// decoder reading the same file: the same bytes, or the same error, for real tools' files, their
/// damaged copies, and random streams of members, whatever the part size, the parts in flight and
/// the read size.
@Suite("Decoding in parallel gives exactly what one decoder gives")
struct ParallelDecoderTests {
    static func parallel(_ path: String, _ format: Format, partBytes: Int, partsInFlight: Int, readSize: Int) throws -> Outcome {
        let input = ReadAhead(file: try FileSource(path: path, name: "in"))
        switch format {
        case .gzip:
            let finder = GzipMemberFinder(input: input, name: "in", partBytes: partBytes) {
                try InputOpener.gzipReader(over: $0, name: "in")
            }
            return drain(ParallelDecoder(finder: finder, name: "in", partsInFlight: partsInFlight), readSize: readSize)
        case .zstd:
            let finder = ZstdFrameFinder(input: input, name: "in", partBytes: partBytes)
            return drain(ParallelDecoder(finder: finder, name: "in", partsInFlight: partsInFlight), readSize: readSize)
        }
    }

    /// Part sizes, parts in flight and read sizes the decoders are compared at: a part a member,
    /// tiny reads, one part for the whole file, parts of 100 KB. Under ThreadSanitizer two
    /// shapes that keep several parts decoding at once, with reads of 4 KiB (reads of 7 bytes there
    /// took most of the suite's 340 s, and exercise no more of the threads).
    static let shapes = runsSanitized
        ? [(1, 2, 4096), (40_000, 3, 4096)]
        : [(1, 2, 4096), (40_000, 3, 7), (512 * 1024, 4, 1 << 20), (100_000, 2, 65_536)]

    /// The parallel decoder gives what one decoder gives: the same bytes, or the same error after
    /// bytes that agree with one decoder's.
    static func expectSame(_ path: String, _ format: Format, _ what: String) throws {
        for (partBytes, partsInFlight, readSize) in shapes {
            // Where a decoder notices an error can depend on how much it is asked for at once.
            let expected = try sequential(path, format, readSize: readSize)
            let got = try parallel(path, format, partBytes: partBytes, partsInFlight: partsInFlight, readSize: readSize)
            let label = "\(what): parts of \(partBytes) bytes, \(partsInFlight) in flight, reads of \(readSize)"
            let sameError = got.error == expected.error
            // Bytes a read decoded before it met an error are not handed out, so how many come
            // before an error depends on the read sizes: one must begin the other.
            let common = min(got.bytes.count, expected.bytes.count)
            let sameBytes = expected.error == nil
                ? got.bytes == expected.bytes : got.bytes[..<common] == expected.bytes[..<common]
            #expect(sameError && sameBytes, "\(label): \(got) against one decoder's \(expected)")
        }
    }

    static let fixtures = ["bgzip.csv.gz", "bgzip-then-plain.csv.gz", "bgzip-corrupt.csv.gz", "bgzip-crc.csv.gz",
                           "bgzip-truncated.csv.gz", "bgzip-zero-padded.csv.gz", "bgzip-trailing-garbage.csv.gz",
                           // Found by scripts/fuzz.sh parallel: a size field shorter than its member.
                           "fuzz-size-field-shorter.csv.gz"]

    static func fixturePath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name)").path
    }

    @Test("bgzip's files and their damaged copies", arguments: fixtures)
    func bgzipFixture(_ name: String) throws {
        try Self.expectSame(Self.fixturePath("parallel/\(name)"), .gzip, name)
    }

    @Test("every gzip fixture: header flags, padding, trailing bytes (no size field: one decoder)")
    func gzipFixtures() throws {
        let folder = Self.fixturePath("gzip")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where name.hasSuffix(".gz") {
            try Self.expectSame("\(folder)/\(name)", .gzip, name)
        }
    }

    @Test("pzstd's file and every zstd fixture")
    func zstdFixtures() throws {
        try Self.expectSame(Self.fixturePath("parallel/pzstd.csv.zst"), .zstd, "pzstd.csv.zst")
        let folder = Self.fixturePath("zstd")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where name.hasSuffix(".zst") {
            try Self.expectSame("\(folder)/\(name)", .zstd, name)
        }
    }

    /// Random text of `count` bytes, CSV-like, with repeats for the compressor to find.
    static func text(_ count: Int, _ rng: inout FuzzTests.SplitMix) -> [UInt8] {
        let alphabet = Array("0123456789,.-e\nabc".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            if bytes.count > 100 && Int.random(in: 0..<4, using: &rng) == 0 {
                let start = Int.random(in: 0..<(bytes.count - 50), using: &rng)
                bytes.append(contentsOf: bytes[start..<(start + min(50, count - bytes.count))])
            } else {
                bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)])
            }
        }
        return bytes
    }

    /// `member` (one BGZF member) without its size field: a plain gzip member.
    static func withoutSizeField(_ member: [UInt8]) -> [UInt8] {
        Array(member[0..<3]) + [0] + Array(member[4..<10]) + Array(member[18...])
    }

    @Test("random streams of members with and without size fields, padded, cut and damaged")
    func randomStreams() throws {
        var rng = FuzzTests.generator("ParallelDecoderTests.randomStreams")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-parallel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gzip = try OutputCodec.gzip(level: 1).makeCompressor()
        let zstd = try OutputCodec.zstd(level: 1).makeCompressor()
        for round in 0..<(runsSanitized ? 12 : 40) {
            let format: Format = round % 3 == 2 ? .zstd : .gzip
            var stream: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let compressed = (format == .gzip ? gzip : zstd).member(Self.text(Int.random(in: 0...150_000, using: &rng), &rng))
                if format == .gzip && Int.random(in: 0..<5, using: &rng) == 0 {
                    // Split the chunk's BGZF members back apart and drop the size field of one.
                    var members: [[UInt8]] = []
                    var at = 0
                    while at < compressed.count {
                        let size = (Int(compressed[at + 16]) | Int(compressed[at + 17]) << 8) + 1
                        members.append(Array(compressed[at..<(at + size)]))
                        at += size
                    }
                    let plain = Int.random(in: 0..<members.count, using: &rng)
                    members[plain] = Self.withoutSizeField(members[plain])
                    stream += members.joined()
                } else {
                    stream += compressed
                }
            }
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: stream += [UInt8](repeating: 0, count: Int.random(in: 1...300, using: &rng))
            case 1: stream += Array("garbage".utf8)
            case 2: stream.removeLast(Int.random(in: 1...(stream.count - 1), using: &rng))
            case 3:
                let at = Int.random(in: 0..<stream.count, using: &rng)
                stream[at] ^= UInt8.random(in: 1...255, using: &rng)
            default: break
            }
            let path = dir.appendingPathComponent("round-\(round)").path
            try Data(stream).write(to: URL(fileURLWithPath: path))
            try Self.expectSame(path, format, "round \(round) (\(stream.count) bytes)")
        }
    }
}
