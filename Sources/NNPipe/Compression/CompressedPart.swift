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

/// What a finder sees at the start of its read-ahead.
enum PartUnit {
    /// A whole member or frame of `size` bytes, there to take, that decodes to `decodedSize`
    /// bytes (0 when unknown).
    case whole(size: Int, decodedSize: Int)
    /// A member whose stated size runs past the end of the file.
    case cutOff
    /// Something the finder does not cut: ``PartFinder/rest()`` says what.
    case other
}

/// Cuts a compressed file into ``CompressedPart``s of whole members or frames, on the reader's
/// thread: each kind says what its next unit is; the gathering into parts is shared.
protocol PartFinder: AnyObject, SendableMetatype {
    /// The file's compressed bytes, read ahead.
    var input: ReadAhead { get }
    /// The compressed size a part reaches.
    var partBytes: Int { get }
    /// Set once the cutting has ended (the end of the file, or a rest handed to one decoder).
    var ended: Bool { get set }
    /// The unit at the start of ``input`` (at least one byte is there).
    func nextUnit() throws -> PartUnit
    /// What follows when the next unit is not one to cut: the rest of the stream for one decoder.
    func rest() throws -> CompressedPart
    /// This format's one-thread decoder over `file`.
    func oneDecoder(over file: FileSource) throws -> ByteSource
    /// Decodes a part's bytes, on any thread (the finder's own state is not touched); nil when
    /// they decode to more than ``ParallelDecoderLimits/largestDecodedPart``: the reader then
    /// decodes that part as a stream (``stream(_:base:name:)``).
    static func decode(_ bytes: [UInt8], base: Int, decodedSize: Int?, name: String) throws -> [UInt8]?
    /// A one-thread decoder over a part's bytes.
    static func stream(_ bytes: [UInt8], base: Int, name: String) throws -> ByteSource
}

extension PartFinder {
    /// The next part, nil at the end of the stream: whole units gathered up to ``partBytes``.
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
            switch try nextUnit() {
            case .whole(let size, let decoded):
                decodedSize += decoded
                input.take(size, into: &part)
            case .cutOff:
                input.take(input.available, into: &part)
                ended = true
                return .bytes(part, base: base, decodedSize: nil)
            case .other:
                guard part.isEmpty else { return .bytes(part, base: base, decodedSize: decodedSize) }
                ended = true
                return try rest()
            }
        }
        return part.isEmpty ? nil : .bytes(part, base: base, decodedSize: decodedSize)
    }

    /// Ends the cutting: one decoder over `prefix` (the parts found and not yet read, handed back)
    /// and the rest of the file, as it would have read them from there.
    func sequential(from prefix: [UInt8]) throws -> ByteSource {
        ended = true
        input.giveBack()
        input.file.unread(prefix)
        return try oneDecoder(over: input.file)
    }
}

extension PartFinder {
    /// Decodes a part with ``stream(_:base:name:)`` into one array, nil past the limit;
    /// `sizeHint` is the expected size.
    static func decode(_ bytes: [UInt8], base: Int, decodedSize sizeHint: Int?, name: String) throws -> [UInt8]? {
        let limit = ParallelDecoderLimits.largestDecodedPart
        let source = try stream(bytes, base: base, name: name)
        // Filled in place, not zeroed first: the stated size (BGZF's sizes, a zstd frame's content
        // size) is usually exact, plus one byte to see the end without a second array. Without
        // one (pzstd's frames), four times the compressed size: CSV text compresses about 2-3
        // times, and pages of the array that are never written are never resident.
        let expected = sizeHint.flatMap { $0 > 0 ? $0 : nil } ?? 4 * bytes.count
        let capacity = min(max(expected, 64 * 1024), limit) + 1
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
    /// What the parts read ahead may hold together, compressed and decoded, before no more are
    /// started: BGZF text at 16 workers keeps 18 parts of about 1.7 MiB in flight.
    static let bytesInFlight = 32 << 20
}
