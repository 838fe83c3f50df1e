import CZlib

/// Inflates a gzip stream with zlib, member after member.
///
/// A gzip file may hold several members one after another (`cat a.gz b.gz`, pigz, bgzip);
/// zlib's `inflate` stops at the end of each, so on `Z_STREAM_END` with more input the stream is
/// reset and reading goes on. The end of the input inside a member is a truncated file: an
/// error, never a short successful read. After the last member only zero padding may follow
/// (see ``CompressedInput/afterMember(next:available:endOffset:)``).
public final class GzipReader: ByteSource {
    private let input: CompressedInput
    /// zlib keeps pointers into its stream state, so it lives at a fixed heap address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var memberInProgress = false
    private var finished = false

    public var bytesConsumed: Int { input.source.bytesConsumed - Int(stream.pointee.avail_in) }

    init(source: ByteSource, name: String) throws {
        input = CompressedInput(source: source, name: name)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a 32 KiB window, gzip wrapper only (the magic was checked by the opener).
        let status = CZlib_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            stream.deallocate()
            throw InputError(.unreadable, file: name, problem: "zlib could not start inflating (code \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    public func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        guard !finished, capacity > 0 else { return 0 }
        stream.pointee.next_out = buffer
        stream.pointee.avail_out = UInt32(min(capacity, Int(UInt32.max)))
        let requested = Int(stream.pointee.avail_out)
        while !finished, Int(stream.pointee.avail_out) == requested {
            if stream.pointee.avail_in == 0 {
                stream.pointee.avail_in = UInt32(try input.refill())
                stream.pointee.next_in = input.buffer
                if stream.pointee.avail_in == 0 {
                    if memberInProgress { throw input.truncated(at: bytesConsumed) }
                    finished = true
                    break
                }
            }
            memberInProgress = true
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                memberInProgress = false
                let endOffset = bytesConsumed
                var next: UnsafeMutablePointer<UInt8> = stream.pointee.next_in
                var available = Int(stream.pointee.avail_in)
                let after = try input.afterMember(next: &next, available: &available, endOffset: endOffset)
                stream.pointee.next_in = next
                stream.pointee.avail_in = UInt32(available)
                if after == .end { finished = true } else { inflateReset(stream) }
            case Z_DATA_ERROR, Z_NEED_DICT:
                throw input.corrupt(stream.pointee.msg.map { String(cString: $0) } ?? "invalid data", at: bytesConsumed)
            case Z_MEM_ERROR:
                throw InputError(.unreadable, file: input.name, problem: "out of memory while inflating")
            default:
                throw input.corrupt("zlib code \(status)", at: bytesConsumed)
            }
        }
        return requested - Int(stream.pointee.avail_out)
    }
}
