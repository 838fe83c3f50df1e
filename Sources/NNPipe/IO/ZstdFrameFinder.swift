import CZstd

/// Finds zstd frames, so they can be decoded in parallel: `ZSTD_findFrameCompressedSize` walks a
/// frame's block headers without decoding them. pzstd writes many frames (each after a skippable
/// frame stating its size), and so does nnpipe's own zstd output (a frame per chunk); `zstd`
/// itself, also with `-T`, writes one frame, which is read by one decoder as before.
///
/// A frame is cut only when it is at most ``largestFrame`` compressed; the first frame that is not
/// ends the cutting, and one decoder reads the rest of the stream. A part that decodes to more than
/// ``ParallelDecoderLimits/largestDecodedPart`` is decoded by the reader as a stream, so the parts
/// in flight hold a bounded amount of memory whatever the file says.
final class ZstdFrameFinder: PartFinder {
    private let input: ReadAhead
    private let name: String
    /// The compressed size a part reaches.
    private let partBytes: Int
    static let largestFrame = 4 << 20
    private var ended = false

    init(input: ReadAhead, name: String, partBytes: Int = 512 * 1024) {
        self.input = input
        self.partBytes = partBytes
        self.name = name
    }

    func nextPart() throws -> CompressedPart? {
        guard !ended else { return nil }
        var part: [UInt8] = []
        let base = input.offset
        var decodedSize = 0
        while part.count < partBytes {
            guard try input.ensure(1) else {
                ended = true
                break
            }
            guard let frame = try nextFrame() else {
                if part.isEmpty {
                    ended = true
                    input.giveBack()
                    return .rest(try ZstdReader(source: input.file, name: name))
                }
                break
            }
            decodedSize += frame.decoded
            input.take(frame.size, into: &part)
        }
        return part.isEmpty ? nil : .bytes(part, base: base, decodedSize: decodedSize)
    }

    /// The size of the frame at the read-ahead's start and its decompressed size (0 for a
    /// skippable frame); nil when it is not a whole frame within the limits (a one-thread decoder
    /// then reads it, and reports what is wrong with it).
    private func nextFrame() throws -> (size: Int, decoded: Int)? {
        var wanted = 64 * 1024
        while true {
            _ = try input.ensure(wanted)
            let size = input.withBytes { ZSTD_findFrameCompressedSize($0.baseAddress, $0.count) }
            if ZSTD_isError(size) == 0 {
                if input[0] & 0xF0 == 0x50, input.available >= 4, input[1] == 0x2A, input[2] == 0x4D, input[3] == 0x18 {
                    return (size, 0)
                }
                let decoded = input.withBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
                // ZSTD_CONTENTSIZE_UNKNOWN and _ERROR are the two largest values: no hint (pzstd
                // does not state the size; a part too large is decoded as a stream).
                return (size, decoded <= UInt64(ParallelDecoderLimits.largestDecodedPart) ? Int(decoded) : 0)
            }
            // A frame that does not end in what is read: read more, up to the limit.
            guard !input.atEnd, wanted < Self.largestFrame else { return nil }
            wanted = min(wanted * 4, Self.largestFrame)
        }
    }

    func sequential(from prefix: [UInt8]) throws -> ByteSource {
        ended = true
        input.giveBack()
        input.file.unread(prefix)
        return try ZstdReader(source: input.file, name: name)
    }

    static func stream(_ bytes: [UInt8], base: Int, name: String) throws -> ByteSource {
        try ZstdReader(source: InMemorySource(bytes, base: base), name: name)
    }
}
