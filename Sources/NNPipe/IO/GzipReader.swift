import CZlib

/// Inflates a gzip stream with zlib, member after member.
///
/// A gzip file may hold several members one after another (`cat a.gz b.gz`, pigz, bgzip);
/// zlib's `inflate` stops at the end of each, so on `Z_STREAM_END` with more input the stream is
/// reset and reading goes on. The end of the input inside a member is a truncated file: an
/// error, never a short successful read.
public final class GzipReader: ByteSource {
    private let source: ByteSource
    private let name: String
    /// zlib keeps pointers into its stream state, so it lives at a fixed heap address.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 256 * 1024
    private var memberInProgress = false
    private var sourceExhausted = false
    private var finished = false
    /// Decompressed bytes produced so far, for messages.
    private var produced = 0

    public var bytesConsumed: Int { source.bytesConsumed - Int(stream.pointee.avail_in) }

    init(source: ByteSource, name: String) throws {
        self.source = source
        self.name = name
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: inputCapacity)
        // 15 + 16: a 32 KiB window, gzip wrapper only (the magic was checked by the opener).
        let status = CZlib_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            input.deallocate()
            stream.deallocate()
            throw InputError(.unreadable, file: name, problem: "zlib could not start inflating (code \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        guard !finished, capacity > 0 else { return 0 }
        stream.pointee.next_out = buffer
        stream.pointee.avail_out = UInt32(min(capacity, Int(UInt32.max)))
        let requested = Int(stream.pointee.avail_out)
        while Int(stream.pointee.avail_out) == requested {
            if stream.pointee.avail_in == 0 {
                if !sourceExhausted {
                    let count = try source.read(into: input, capacity: inputCapacity)
                    if count == 0 { sourceExhausted = true }
                    stream.pointee.next_in = input
                    stream.pointee.avail_in = UInt32(count)
                }
                if stream.pointee.avail_in == 0 {
                    if memberInProgress {
                        throw InputError(.badData, file: name, byteOffset: bytesConsumed,
                                         problem: "truncated gzip file: the stream ends inside a member (interrupted copy or upload?)")
                    }
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
                inflateReset(stream)
            case Z_DATA_ERROR, Z_NEED_DICT:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw InputError(.badData, file: name, byteOffset: bytesConsumed,
                                 problem: "corrupt gzip data (\(detail))")
            case Z_MEM_ERROR:
                throw InputError(.unreadable, file: name, problem: "out of memory while inflating")
            default:
                throw InputError(.badData, file: name, byteOffset: bytesConsumed, problem: "gzip error (zlib code \(status))")
            }
        }
        let count = requested - Int(stream.pointee.avail_out)
        produced += count
        return count
    }
}
