import Foundation
import Testing

@testable import NNPipe

/// A gzip file of one member inflated in parts from guessed block boundaries
/// (``SpeculativeGzipReader``) against one decoder reading the same file: the same bytes, or the
/// same error, for files the gzip command writes at three levels and their damaged copies.
@Suite("One gzip member inflated on several threads gives exactly what one decoder gives")
struct SpeculativeGzipTests {
    typealias Outcome = ParallelDecoderTests.Outcome

    /// CSV text like a user's: an id and numbers of varied length, seeded.
    static func csv(rows: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        var text = "id,a,b,c,label\n"
        for i in 0..<rows {
            let a = Double(next() % 2_000_000) / 1000 - 1000, b = Double(next() % 1000) / 7
            text += "\(i),\(a),\(b),\(next() % 97),\(["yes", "no", "\"maybe, later\""][Int(next() % 3)])\n"
        }
        return Array(text.utf8)
    }

    /// `bytes` compressed by the gzip command at `level` into a file in `dir`.
    static func gzip(_ bytes: [UInt8], level: Int, in dir: URL, name: String) throws -> String {
        let plain = dir.appendingPathComponent(name)
        try Data(bytes).write(to: plain)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -\(level) -n -c \"$0\" > \"$0.gz\"", plain.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return plain.path + ".gz"
    }

    /// `path` read by ``SpeculativeGzipReader`` with regions shared as `share` says: what it gave,
    /// and how many regions the pool's guesses joined, were inflated again, were inflated on the
    /// reading thread from the start.
    static func speculative(_ path: String, regionBytes: Int, readSize: Int,
                            share: SpeculativeGzipReader.Share = .poolOnly) throws -> (Outcome, joined: Int, redone: Int, here: Int) {
        let file = try FileSource(path: path, name: "in")
        let reader = try #require(SpeculativeGzipReader(file: file, name: "in", decoders: 4, regionBytes: regionBytes, minimumRegions: 2,
                                                        share: share) {
            try InputOpener.gzipReader(over: $0, name: "in")
        })
        let outcome = ParallelDecoderTests.drain(reader, readSize: readSize)
        return (outcome, reader.guessesJoined, reader.regionsRedone, reader.regionsInflatedHere)
    }

    /// Under ThreadSanitizer, not `poolAtRegionEnds`: its threads meet as `poolOnly`'s do, and
    /// every region it takes is the marker decoder's, which the sanitizer slows most (the suite
    /// took 136 s with it, 82 without).
    static let shares: [SpeculativeGzipReader.Share] = runsSanitized ? [.poolOnly, .readerOnly, .either]
        : [.poolOnly, .poolAtRegionEnds, .readerOnly, .either]

    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("gzip -1, -6 and -9 files, cut into regions of 16 to 256 KiB: the same bytes, most regions joined at their guess")
    func wholeFiles() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = Self.csv(rows: 60_000, seed: 7)
        for level in [1, 6, 9] {
            let path = try Self.gzip(text, level: level, in: dir, name: "l\(level).csv")
            for regionBytes in [16 * 1024, 64 * 1024, 256 * 1024] {
                for share in Self.shares {
                    let (outcome, joined, redone, here) = try Self.speculative(path, regionBytes: regionBytes, readSize: 1 << 16, share: share)
                    let label = "level \(level), regions of \(regionBytes), \(share)"
                    #expect(outcome.error == nil, "\(label): \(outcome)")
                    #expect(outcome.bytes == text, "\(label): \(outcome)")
                    switch share {
                    case .poolOnly where text.count / 4 > 4 * regionBytes, .poolAtRegionEnds where text.count / 4 > 4 * regionBytes:
                        // Most regions joined at their guess; the rest inflated on the reading
                        // thread (with ISA-L) or again (with zlib).
                        #expect(joined > redone + here, "\(label): \(joined) guesses joined, \(redone) redone, \(here) here")
                    case .readerOnly:
                        #expect(joined == 0 && redone == 0 && here >= 1, "\(label): \(joined) joined, \(redone) redone, \(here) here")
                    default:
                        break
                    }
                }
            }
        }
    }

    @Test("pigz's file: its parts, compressed apart, joined by empty blocks; every region but the last joins at its guess")
    func pigzFile() throws {
        let path = ParallelDecoderTests.fixturePath("parallel/pigz-b32.csv.gz")
        let expected = try ParallelDecoderTests.sequential(path, .gzip, readSize: 1 << 16)
        #expect(expected.error == nil && expected.bytes.count > 250_000)
        for regionBytes in [8 * 1024, 16 * 1024, 32 * 1024] {
            for share in Self.shares {
                let (outcome, joined, redone, here) = try Self.speculative(path, regionBytes: regionBytes, readSize: 1 << 16, share: share)
                #expect(outcome.error == nil && outcome.bytes == expected.bytes, "regions of \(regionBytes), \(share): \(outcome)")
                // pigz ends each part with empty blocks to a byte boundary: a guess after them
                // joins. The reading thread inflates the first region, the last (its one block is
                // the stream's last, which no guess looks for) and those where no block starts.
                if share == .poolOnly || share == .poolAtRegionEnds {
                    #if ISAL
                    #expect(redone == 0 && joined >= here, "regions of \(regionBytes): \(joined) joined, \(redone) redone, \(here) here")
                    #else
                    // Without ISA-L the reading thread waits for the pool; the last region is inflated again.
                    #expect(redone <= 1 && joined > 1, "regions of \(regionBytes): \(joined) joined, \(redone) redone, \(here) here")
                    #endif
                }
            }
        }
    }

    @Test("a joined part's bytes are made once, by a work item or by the reading thread that needs them first")
    func resolvedOnce() {
        let made = Locked(0)
        let here = Locked(0)
        let reader = pthread_self()
        for round in 0..<300 {
            let bytes = (0..<(1_000 + round)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ round) }
            let resolution = PartResolution.start(length: bytes.count) {
                made.withLock { $0 += 1 }
                if pthread_equal(pthread_self(), reader) != 0 { here.withLock { $0 += 1 } }
                return bytes
            }
            // Waited for at once, as the reading thread does when the stream goes on after it.
            resolution.waitOrResolveHere()
            let crc = bytes.withUnsafeBytes { UInt(ContentChecksum.adding($0, to: 0)) }
            #expect(resolution.resolved && resolution.bytes == bytes && resolution.crc == crc, "round \(round)")
            // The trailer's check waits again: nothing is made a second time.
            resolution.waitOrResolveHere()
        }
        #expect(made.withLock { $0 } == 300)
        print("resolvedOnce: \(here.withLock { $0 }) of 300 made on the waiting thread")
    }

    @Test("text that compresses more than 16 times goes to one decoder at its first region, with the same bytes")
    func compressesTooWell() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 2,000,000 rows of 8 bytes that differ little: about 50 KB as gzip -6, some 300 times.
        var text = Array("a,b,c\n".utf8)
        text.reserveCapacity(16_000_010)
        for i in 0..<2_000_000 { text += [UInt8(ascii: "0") + UInt8(i % 10), UInt8(ascii: ","), UInt8(ascii: "1"), UInt8(ascii: ","), UInt8(ascii: "2"), UInt8(ascii: ","), UInt8(ascii: "3"), UInt8(ascii: "\n")] }
        let path = try Self.gzip(text, level: 6, in: dir, name: "flat.csv")
        for share in Self.shares {
            let (outcome, joined, _, _) = try Self.speculative(path, regionBytes: 8 * 1024, readSize: 1 << 16, share: share)
            #expect(outcome.error == nil && outcome.bytes == text, "\(share): \(outcome)")
            // Every region decodes past 16 times 8 KiB: none is joined, one decoder reads it all.
            #expect(joined == 0, "\(share)")
        }
    }

    @Test("damaged copies: corrupt, cut off, a wrong CRC or length, bytes after the member, zero padding, a second member")
    func damaged() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = Self.csv(rows: 30_000, seed: 11)
        let path = try Self.gzip(text, level: 6, in: dir, name: "base.csv")
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let second = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Self.gzip(Array("id,a\n1,2\n".utf8), level: 6, in: dir, name: "b.csv"))))
        var cases: [(String, [UInt8])] = []
        for at in [good.count / 3, good.count / 2, good.count - 2000] {
            var corrupt = good
            corrupt[at] ^= 0x5A
            cases.append(("a byte changed at \(at)", corrupt))
        }
        cases.append(("cut off in the middle", Array(good[..<(good.count / 2)])))
        cases.append(("cut off in the trailer", Array(good[..<(good.count - 3)])))
        var crc = good
        crc[good.count - 8] ^= 1
        cases.append(("a wrong CRC", crc))
        var length = good
        length[good.count - 1] ^= 1
        cases.append(("a wrong length", length))
        cases.append(("trailing garbage", good + Array("garbage".utf8)))
        cases.append(("zero padding", good + [UInt8](repeating: 0, count: 512)))
        cases.append(("a second member", good + second))
        // Two members each of many regions: the first ends far from the file's end, and one
        // decoder reads on from the second's header.
        cases.append(("two long members", good + good))
        var secondDamaged = good + good
        secondDamaged[good.count + good.count / 2] ^= 0x5A
        cases.append(("two long members, a byte of the second changed", secondDamaged))
        cases.append(("two long members, the second cut off", Array((good + good)[..<(good.count + good.count / 2)])))
        cases.append(("two long members, then garbage", good + good + Array("garbage".utf8)))
        cases.append(("two long members, then zero padding", good + good + [UInt8](repeating: 0, count: 100)))
        var badHeader = second
        badHeader[3] = 0xE0  // reserved flag bits
        cases.append(("a second member whose header has reserved flags", good + badHeader))
        cases.append(("a second member of only a header's first bytes", good + Array(second[..<3])))
        // A second member too short for regions (under 2 of 32 KiB) goes to one decoder from its
        // own header: its errors are still where one decoder reading the whole file puts them.
        let short = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Self.gzip(Self.csv(rows: 2_500, seed: 23), level: 6, in: dir, name: "s.csv"))))
        for at in [20, short.count / 2, short.count - 12] {
            var shortDamaged = good + short
            shortDamaged[good.count + at] ^= 0x5A
            cases.append(("a short second member, a byte changed at \(at)", shortDamaged))
        }
        cases.append(("a short second member cut off", good + Array(short[..<(short.count / 2)])))
        var shortCRC = good + short
        shortCRC[shortCRC.count - 8] ^= 1
        cases.append(("a short second member with a wrong CRC", shortCRC))
        cases.append(("a short second member, then garbage", good + short + Array("garbage".utf8)))
        for (label, bytes) in cases {
            let damagedPath = dir.appendingPathComponent("damaged.gz").path
            try Data(bytes).write(to: URL(fileURLWithPath: damagedPath))
            let expected = try ParallelDecoderTests.sequential(damagedPath, .gzip, readSize: 1 << 16)
            for share in Self.shares {
                let (outcome, _, _, _) = try Self.speculative(damagedPath, regionBytes: 32 * 1024, readSize: 1 << 16, share: share)
                // The same error; the bytes before it are the one decoder's (the error may come a
                // read earlier, after fewer of them).
                #expect(outcome.error == expected.error, "\(label), \(share): \(outcome) against one decoder's \(expected)")
                #expect(expected.bytes.starts(with: outcome.bytes), "\(label), \(share): \(outcome) against one decoder's \(expected)")
                if expected.error == nil { #expect(outcome.bytes == expected.bytes, "\(label), \(share)") }
            }
        }
    }

    @Test("a file of several members (cat a.gz b.gz) is read member after member, none inflated again, a short last one from its own header")
    func severalMembers() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = Self.csv(rows: 30_000, seed: 17), second = Self.csv(rows: 20_000, seed: 19)
        let a = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Self.gzip(first, level: 6, in: dir, name: "a.csv"))))
        let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Self.gzip(second, level: 1, in: dir, name: "b.csv"))))
        let path = dir.appendingPathComponent("ab.csv.gz").path
        try Data(a + b + a).write(to: URL(fileURLWithPath: path))
        for share in Self.shares {
            let file = try FileSource(path: path, name: "in")
            let reader = try #require(SpeculativeGzipReader(file: file, name: "in", decoders: 4, regionBytes: 32 * 1024, minimumRegions: 2,
                                                            share: share) { try InputOpener.gzipReader(over: $0, name: "in") })
            let outcome = ParallelDecoderTests.drain(reader, readSize: 1 << 16)
            #expect(outcome.error == nil && outcome.bytes == first + second + first, "\(share): \(outcome)")
            #expect(!reader.readAgainFromStart, "\(share)")
            #expect(reader.bytesConsumed == a.count * 2 + b.count, "\(share)")
        }
        // A last member too short for regions is read by one decoder from its own header.
        let short = Self.csv(rows: 2_000, seed: 29)
        let c = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Self.gzip(short, level: 6, in: dir, name: "c.csv"))))
        try #require(c.count < 2 * 32 * 1024)
        try Data(a + c).write(to: URL(fileURLWithPath: path))
        for share in Self.shares {
            let file = try FileSource(path: path, name: "in")
            let reader = try #require(SpeculativeGzipReader(file: file, name: "in", decoders: 4, regionBytes: 32 * 1024, minimumRegions: 2,
                                                            share: share) { try InputOpener.gzipReader(over: $0, name: "in") })
            let outcome = ParallelDecoderTests.drain(reader, readSize: 1 << 16)
            #expect(outcome.error == nil && outcome.bytes == first + short, "\(share), a short last member: \(outcome)")
            #expect(!reader.readAgainFromStart, "\(share), a short last member")
            #expect(reader.bytesConsumed == a.count + c.count, "\(share), a short last member")
        }
    }

    @Test("bytes handed out that one decoder would not give stop the run instead of going on from them")
    func disagreementStops() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = Self.csv(rows: 30_000, seed: 13)
        var other = text
        other[200_000] = other[200_000] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        let path = try Self.gzip(text, level: 6, in: dir, name: "a.csv")
        let otherPath = try Self.gzip(other, level: 6, in: dir, name: "b.csv")
        // A wrong CRC sends the reader to one decoder after most parts were handed out; here that
        // decoder reads a file that differs in one byte among them, as a decoder bug would.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 8] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for (label, oneDecoderPath, expectedError) in [("the same bytes", path, "CRC mismatch|incorrect data check"), ("other bytes", otherPath, "other bytes than one decoder")] {
            let file = try FileSource(path: path, name: "in")
            let reader = try #require(SpeculativeGzipReader(file: file, name: "in", decoders: 4, regionBytes: 16 * 1024, minimumRegions: 2,
                                                            share: .poolOnly) { _ in
                try InputOpener.gzipReader(over: try FileSource(path: oneDecoderPath, name: "in"), name: "in")
            })
            let outcome = ParallelDecoderTests.drain(reader, readSize: 1 << 16)
            // ISA-L's words or zlib's (a build without ISA-L).
            #expect(expectedError.split(separator: "|").contains { outcome.error?.contains($0) == true }, "\(label): \(outcome)")
            #expect(text.starts(with: outcome.bytes) && outcome.bytes.count > 200_000 || label == "other bytes",
                    "\(label): \(outcome)")
        }
        // The advice, execution.parallel_gzip: false, reads the file with one decoder alone: all of
        // its bytes (here the file that decoder read above).
        let advised = ParallelDecoderTests.drain(try InputOpener.open(path: otherPath, name: "in", decoders: 4, parallelGzip: false),
                                                 readSize: 1 << 16)
        #expect(advised.error == nil && advised.bytes == other, "\(advised)")
    }
}
