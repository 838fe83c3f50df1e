import CZlib
import Foundation
import Testing
@testable import NNPipe

/// The checksum a resume journal keeps of each temporary file: the standard CRC-32, the same
/// whatever the pieces and whichever library computes it (a journal written by a build with ISA-L
/// is read by one without).
@Suite struct ContentChecksumTests {
    func checksum(_ bytes: [UInt8], from crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { ContentChecksum.adding($0, to: crc) }
    }

    @Test("the CRC-32 check value of 123456789 is cbf43926")
    func checkValue() {
        #expect(checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("pieces of any size give the whole's checksum, which is zlib's crc32")
    func piecesAndZlib() {
        var state: UInt64 = 7
        let bytes = (0..<100_003).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let zlib = bytes.withUnsafeBufferPointer { UInt32(crc32_z(0, $0.baseAddress, $0.count)) }
        #expect(checksum(bytes) == zlib)
        for size in [1, 7, 64, 4096, 65_537] {
            var crc: UInt32 = 0
            for start in stride(from: 0, to: bytes.count, by: size) {
                crc = checksum(Array(bytes[start..<min(start + size, bytes.count)]), from: crc)
            }
            #expect(crc == zlib, "pieces of \(size)")
        }
    }

    @Test("a file's first bytes: their checksum; nil past its end")
    func ofFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-crc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("123456789 and more".utf8).write(to: URL(fileURLWithPath: path))
        #expect(ContentChecksum.ofFile(path, length: 9) == 0xCBF4_3926)
        #expect(ContentChecksum.ofFile(path, length: 0) == 0)
        #expect(ContentChecksum.ofFile(path, length: 19) == nil)
    }
}
