import Foundation
import Testing
@testable import NNPipe

@Suite("gzip member headers read in pieces of every size")
struct GzipHeaderParserTests {
    /// A header with every flag (FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT), as make.py writes it.
    static let header: [UInt8] = {
        var bytes: [UInt8] = [0x1F, 0x8B, 8, 31, 0, 0, 0, 0, 0, 3, 6, 0] + Array("NN\u{4}\u{0}xy".utf8)
        bytes += Array("in.csv".utf8) + [0] + Array("a comment".utf8) + [0]
        let crc = bytes.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: crc32Of($0)) }
        return bytes + [UInt8(crc & 0xFF), UInt8((crc >> 8) & 0xFF)]
    }()

    static func crc32Of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return UInt(crc ^ 0xFFFF_FFFF)
    }

    /// Feeds `bytes` in pieces of `piece` bytes; how many the parser took, or its problem.
    func feed(_ bytes: [UInt8], piece: Int) -> Result<Int, GzipHeaderParser.Problem> {
        var parser = GzipHeaderParser()
        var offset = 0
        while offset < bytes.count, !parser.isComplete {
            let count = min(piece, bytes.count - offset)
            do {
                let used = try bytes.withUnsafeBufferPointer { try parser.consume($0.baseAddress! + offset, available: count) }
                offset += used
                if used < count { break }
            } catch {
                return .failure(error as? GzipHeaderParser.Problem ?? .init(reason: "\(error)"))
            }
        }
        return parser.isComplete ? .success(offset) : .failure(.init(reason: "incomplete"))
    }

    @Test("the whole header is taken, and not a byte of what follows", arguments: [1, 2, 3, 7, 64, 4096])
    func everyFlag(piece: Int) throws {
        let result = feed(Self.header + [0xAA, 0xBB], piece: piece)
        #expect(try result.get() == Self.header.count)
    }

    @Test("a wrong header CRC, a reserved flag, another method are refused", arguments: [1, 3, 4096])
    func refused(piece: Int) {
        var wrongCRC = Self.header
        wrongCRC[wrongCRC.count - 1] ^= 1
        var reserved = Self.header
        reserved[3] |= 0x40
        var method = Self.header
        method[2] = 7
        for (bytes, reason) in [(wrongCRC, "header crc mismatch"), (reserved, "unknown header flags set"),
                                (method, "unknown compression method")] {
            guard case .failure(let problem) = feed(bytes, piece: piece) else {
                Issue.record("accepted: \(reason)")
                continue
            }
            #expect(problem.reason == reason)
        }
    }
}
