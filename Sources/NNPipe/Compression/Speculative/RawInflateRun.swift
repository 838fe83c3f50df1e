import CZlib

/// Inflates raw deflate data from any block boundary, given as a bit position, with zlib, block by
/// block, until the first boundary at or after a stopping point (or the end of the stream).
///
/// This is how a gzip member of one stream is decoded in parts: each part starts at a block
/// boundary with the 32 KiB window before it given as a dictionary (the real one, or a stand-in
/// whose bytes say which window position they are: see ``SpeculativePart``). zlib reports the bit
/// position of each block's end (`data_type`, as zlib's zran.c uses it), so the part ends exactly
/// where the next one must begin.
struct RawInflateRun {
    /// The decoded bytes.
    var output: [UInt8] = []
    /// The bit position (in the file) where decoding stopped: a block boundary, or just after the
    /// last block when ``streamEnded``.
    var end = 0
    /// Whether the last block of the stream was decoded.
    var streamEnded = false
    /// zlib's reason when the data did not decode.
    var failure: String?
    /// Whether the bytes ran out before a boundary at or after the stopping point.
    var ranOut = false

    /// Decodes `bytes` (the file's bytes from offset `base`) from bit `start` (a position in the
    /// file, at or after `base * 8`) with `dictionary` as the window before it, until the first
    /// block boundary at or after bit `stop`, or the stream's end. At most `limit` bytes are
    /// decoded (a run past it is a failure: a compression bomb, or a false start).
    static func run(_ bytes: UnsafeBufferPointer<UInt8>, base: Int, from start: Int, dictionary: UnsafeBufferPointer<UInt8>?,
                    stopAtOrAfter stop: Int, limit: Int) -> RawInflateRun {
        var run = RawInflateRun()
        run.end = start
        let firstByte = start / 8 - base, skipBits = start % 8
        guard firstByte >= 0, firstByte < bytes.count, let baseAddress = bytes.baseAddress else {
            run.ranOut = true
            return run
        }
        var stream = z_stream()
        guard CZlib_inflateInit2(&stream, -15) == Z_OK else {
            run.failure = "zlib could not start inflating"
            return run
        }
        defer { inflateEnd(&stream) }
        // The bits of the first byte after `start`, fed in before the whole bytes that follow.
        var inputStart = firstByte
        if skipBits > 0 {
            inflatePrime(&stream, Int32(8 - skipBits), Int32(bytes[firstByte] >> UInt8(skipBits)))
            inputStart += 1
        }
        if let dictionary, let address = dictionary.baseAddress {
            guard inflateSetDictionary(&stream, address, UInt32(dictionary.count)) == Z_OK else {
                run.failure = "zlib refused the window"
                return run
            }
        }
        stream.next_in = UnsafeMutablePointer(mutating: baseAddress + inputStart)
        stream.avail_in = UInt32(bytes.count - inputStart)
        var produced = 0
        run.output = [UInt8](repeating: 0, count: min(limit, max(64 * 1024, 4 * (bytes.count - firstByte))))
        while true {
            if produced == run.output.count {
                guard produced < limit else {
                    run.failure = "decodes to more than \(limit) bytes"
                    return run
                }
                run.output.append(contentsOf: repeatElement(0, count: min(limit - produced, max(produced, 1 << 16))))
            }
            let status = run.output.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.next_out = out.baseAddress! + produced
                stream.avail_out = UInt32(out.count - produced)
                let status = inflate(&stream, Z_BLOCK)
                produced = out.count - Int(stream.avail_out)
                return status
            }
            let consumed = inputStart + Int(stream.total_in)
            let position = (base + consumed) * 8 - Int(stream.data_type & 7)
            switch status {
            case Z_STREAM_END:
                run.end = position
                run.streamEnded = true
                run.output.removeLast(run.output.count - produced)
                return run
            case Z_OK, Z_BUF_ERROR:
                if stream.data_type & 128 != 0, position >= stop {
                    run.end = position
                    run.output.removeLast(run.output.count - produced)
                    return run
                }
                if stream.avail_in == 0 && stream.avail_out > 0 {
                    run.ranOut = true
                    run.output.removeLast(run.output.count - produced)
                    return run
                }
            default:
                run.failure = stream.msg.map { String(cString: $0) } ?? "zlib code \(status)"
                return run
            }
        }
    }
}
