import CZlib

/// A raw deflate stream inflated with zlib from a block boundary given as a bit position, one
/// block at a time, into a growing buffer.
///
/// zlib reports the bit position of each block's end (`data_type`, as zlib's zran.c uses it), so
/// a caller can stop exactly at a boundary (``RawInflateRun``) or run two inflaters in step and
/// compare what each block added (``SpeculativePart``).
final class BlockInflater {
    /// What one ``step(limit:)`` reached.
    enum Step: Equatable {
        /// The end of a block that is not the stream's last.
        case boundary
        /// The end of the stream's last block.
        case streamEnd
        /// The bytes ran out inside a block.
        case ranOut
        /// zlib's reason, or more than the limit decoded.
        case failed(String)
    }

    /// zlib keeps a pointer to its stream and checks it on every call: the stream must not move.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var started = false
    private let base: Int
    private let inputStart: Int
    /// The decoded bytes; the first ``produced`` are valid.
    private(set) var output: [UInt8]
    private(set) var produced = 0
    /// The bit position (in the file) where the last step stopped.
    private(set) var position: Int

    /// An inflater over `bytes` (the file's bytes from offset `base`) from bit `start` (a position
    /// in the file, at or after `base * 8`), with `dictionary` as the window before it; nil when
    /// the start is outside the bytes or zlib refuses to start.
    init?(_ bytes: UnsafeBufferPointer<UInt8>, base: Int, from start: Int, dictionary: UnsafeBufferPointer<UInt8>?) {
        self.base = base
        position = start
        let firstByte = start / 8 - base, skipBits = start % 8
        guard firstByte >= 0, firstByte < bytes.count, let address = bytes.baseAddress else {
            stream.deallocate()
            return nil
        }
        stream.initialize(to: z_stream())
        guard CZlib_inflateInit2(stream, -15) == Z_OK else {
            stream.deallocate()
            return nil
        }
        started = true
        // The bits of the first byte after `start`, fed in before the whole bytes that follow.
        var first = firstByte
        if skipBits > 0 {
            inflatePrime(stream, Int32(8 - skipBits), Int32(bytes[firstByte] >> UInt8(skipBits)))
            first += 1
        }
        inputStart = first
        if let dictionary, let window = dictionary.baseAddress,
           inflateSetDictionary(stream, window, UInt32(dictionary.count)) != Z_OK {
            return nil
        }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: address + first)
        stream.pointee.avail_in = UInt32(bytes.count - first)
        output = [UInt8](repeating: 0, count: min(1 << 20, max(64 * 1024, 4 * (bytes.count - firstByte))))
    }

    deinit {
        if started { inflateEnd(stream) }
        stream.deallocate()
    }

    /// Inflates to the end of the current block. At most `limit` bytes are decoded in all (a run
    /// past it is a failure: a compression bomb, or a false start).
    func step(limit: Int) -> Step {
        while true {
            if produced == output.count {
                guard produced < limit else { return .failed("decodes to more than \(limit) bytes") }
                output.append(contentsOf: repeatElement(0, count: min(limit - produced, max(produced, 1 << 16))))
            }
            let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.pointee.next_out = out.baseAddress! + produced
                stream.pointee.avail_out = UInt32(out.count - produced)
                let status = inflate(stream, Z_BLOCK)
                produced = out.count - Int(stream.pointee.avail_out)
                return status
            }
            let consumed = inputStart + Int(stream.pointee.total_in)
            position = (base + consumed) * 8 - Int(stream.pointee.data_type & 7)
            switch status {
            case Z_STREAM_END:
                return .streamEnd
            case Z_OK, Z_BUF_ERROR:
                // Each call starts past the boundary it stopped at (zlib skips its check at TYPE).
                // The end of the last block (64) goes on to the stream's end.
                let type = stream.pointee.data_type
                if type & (128 | 64) == 128 { return .boundary }
                if type & 128 == 0, stream.pointee.avail_in == 0, stream.pointee.avail_out > 0 { return .ranOut }
            default:
                return .failed(stream.pointee.msg.map { String(cString: $0) } ?? "zlib code \(status)")
            }
        }
    }

    /// The decoded bytes, the buffer's spare room dropped.
    func takeOutput() -> [UInt8] {
        output.removeLast(output.count - produced)
        return output
    }
}
