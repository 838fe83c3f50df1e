@testable import NNPipe

/// Serves bytes in pieces of a fixed size, to test reading across every possible boundary.
final class PieceSource: ByteSource {
    let bytes: [UInt8]
    let piece: Int
    var offset = 0
    var bytesConsumed: Int { offset }

    init(_ bytes: [UInt8], piece: Int) {
        self.bytes = bytes
        self.piece = piece
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        let count = min(piece, capacity, bytes.count - offset)
        for i in 0..<count { buffer[i] = bytes[offset + i] }
        offset += count
        return count
    }
}
