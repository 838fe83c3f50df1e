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
    let input: ReadAhead
    private let name: String
    /// The compressed size a part reaches.
    let partBytes: Int
    static let largestFrame = 4 << 20
    var ended = false

    init(input: ReadAhead, name: String, partBytes: Int = 512 * 1024) {
        self.input = input
        self.partBytes = partBytes
        self.name = name
    }

    func nextUnit() throws -> PartUnit {
        guard let frame = try nextFrame() else { return .other }
        return .whole(size: frame.size, decodedSize: frame.decoded)
    }

    /// A frame that is not whole within the limits: one decoder reads the rest, and reports what
    /// is wrong with it.
    func rest() throws -> CompressedPart {
        input.giveBack()
        return .rest(try ZstdReader(source: input.file, name: name))
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

    func oneDecoder(over file: FileSource) throws -> ByteSource {
        try ZstdReader(source: file, name: name)
    }

    static func stream(_ bytes: [UInt8], base: Int, name: String) throws -> ByteSource {
        try ZstdReader(source: InMemorySource(bytes, base: base), name: name)
    }
}
