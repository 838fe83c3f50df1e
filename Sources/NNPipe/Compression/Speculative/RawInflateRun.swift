/// Raw deflate data inflated from a block boundary, given as a bit position, until the first
/// boundary at or after a stopping point (or the end of the stream).
///
/// This is how a gzip member of one stream is decoded in parts: each part starts at a block
/// boundary with the 32 KiB window before it given as a dictionary (the real one, or a stand-in
/// whose bytes say which window position they are: see ``SpeculativePart``), and ends exactly
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
        guard let inflater = BlockInflater(bytes, base: base, from: start, dictionary: dictionary) else {
            var run = RawInflateRun()
            run.end = start
            if start / 8 - base >= 0 && start / 8 - base < bytes.count {
                run.failure = "zlib could not start inflating"
            } else {
                run.ranOut = true
            }
            return run
        }
        return finish(inflater, stopAtOrAfter: stop, limit: limit)
    }

    /// Steps `inflater` on until the first block boundary at or after bit `stop`, or the
    /// stream's end.
    static func finish(_ inflater: BlockInflater, stopAtOrAfter stop: Int, limit: Int) -> RawInflateRun {
        var run = RawInflateRun()
        while true {
            let step = inflater.step(limit: limit)
            run.end = inflater.position
            switch step {
            case .boundary where inflater.position < stop:
                continue
            case .boundary:
                break
            case .streamEnd:
                run.streamEnded = true
            case .ranOut:
                run.ranOut = true
            case .failed(let reason):
                run.failure = reason
                return run
            }
            run.output = inflater.takeOutput()
            return run
        }
    }
}
