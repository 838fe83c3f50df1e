/// A run of whole compressed members (gzip) or frames (zstd), cut from a file so that a worker
/// thread can decode it alone, or the finder's word on what comes next.
enum CompressedPart {
    /// Bytes that decode on their own, from file offset `base`; `decodedSize` is their
    /// decompressed size when the headers or trailers state it (a hint for the buffer).
    case bytes([UInt8], base: Int, decodedSize: Int?)
    /// The stream goes on in a form that cannot be cut (a gzip member without a size field, a
    /// zstd frame too large to hold): a one-thread decoder reads the rest.
    case rest(ByteSource)
    /// Something the finder met that is an error once the parts before it are read.
    case failure(any Error)
}

/// Cuts a compressed file into ``CompressedPart``s, on the reader's thread.
protocol PartFinder: AnyObject, SendableMetatype {
    /// The next part, nil at the end of the stream.
    func nextPart() throws -> CompressedPart?
    /// Decodes a part's bytes, on any thread (the finder's own state is not touched); nil when
    /// they decode to more than ``ParallelDecoder/largestDecodedPart``: the reader then decodes
    /// that part as a stream (``stream(_:base:name:)``).
    static func decode(_ bytes: [UInt8], base: Int, decodedSize: Int?, name: String) throws -> [UInt8]?
    /// A one-thread decoder over a part's bytes.
    static func stream(_ bytes: [UInt8], base: Int, name: String) throws -> ByteSource
    /// Ends the cutting: a one-thread decoder over `prefix` (the parts found and not yet read,
    /// handed back) and the rest of the file, as it would have read them from there.
    func sequential(from prefix: [UInt8]) throws -> ByteSource
}

extension PartFinder {
    /// Decodes a part with ``stream(_:base:name:)`` into one array, nil past the limit;
    /// `sizeHint` is the expected size.
    static func decode(_ bytes: [UInt8], base: Int, decodedSize sizeHint: Int?, name: String) throws -> [UInt8]? {
        let limit = ParallelDecoderLimits.largestDecodedPart
        let source = try stream(bytes, base: base, name: name)
        // Filled in place, not zeroed first: the stated size (BGZF's sizes, a zstd frame's content
        // size) is usually exact, plus one byte to see the end without a second array.
        let capacity = min(max(sizeHint ?? 0, 64 * 1024), limit) + 1
        var output = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            while initialized < buffer.count {
                let count = try source.read(into: buffer.baseAddress! + initialized, capacity: buffer.count - initialized)
                if count == 0 { return }
                initialized += count
            }
        }
        guard output.count == capacity else { return output }
        if output.count > limit { return nil }
        // More than stated: read on in blocks, up to the limit.
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try block.withUnsafeMutableBufferPointer { try source.read(into: $0.baseAddress!, capacity: $0.count) }
            if count == 0 { return output }
            output.append(contentsOf: block[..<count])
            if output.count > limit { return nil }
        }
    }
}

/// The bounds on memory of ``ParallelDecoder``.
enum ParallelDecoderLimits {
    /// The most one part may decode to in memory; a larger one is decoded as a stream by the
    /// reader (a zstd frame that does not state its size, a compression bomb).
    static let largestDecodedPart = 16 << 20
}
