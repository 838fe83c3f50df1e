import CZstd

/// Decompresses a zstd stream with libzstd's `ZSTD_decompressStream`, frame after frame.
///
/// A zstd file may hold several frames one after another (`zstd` itself writes one per input,
/// `cat a.zst b.zst`, and nnpipe's own `.zst` output writes one per chunk), and skippable frames
/// (metadata that decoders pass over) anywhere among them; the streaming API reads all of them
/// with one decompression context, which starts the next frame by itself after each one ends.
/// The end of the input inside a frame is a truncated file: an error, never a short successful
/// read. Anything that is not a frame, after the first one too, is corrupt data, as `zstd -d`
/// says.
package final class ZstdReader: ByteSource {
    private let input: CompressedInput
    /// One context for the whole stream, freed in `deinit`.
    private let context: OpaquePointer
    /// The input block zstd has not consumed yet (`src` is ``CompressedInput/buffer``).
    private var pending = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    /// Whether a frame has started and not ended (zstd's last answer was not 0).
    private var frameInProgress = false
    private var finished = false

    package var bytesConsumed: Int { input.source.bytesConsumed - (pending.size - pending.pos) }

    init(source: ByteSource, name: String) throws {
        input = CompressedInput(source: source, name: name)
        guard let context = ZSTD_createDCtx() else {
            throw InputError(.unreadable, file: name, problem: "out of memory starting zstd decompression")
        }
        self.context = context
        pending.src = UnsafeRawPointer(input.buffer)
    }

    deinit { ZSTD_freeDCtx(context) }

    package func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        guard !finished, capacity > 0 else { return 0 }
        var output = ZSTD_outBuffer(dst: UnsafeMutableRawPointer(buffer), size: capacity, pos: 0)
        while !finished, output.pos == 0 {
            if pending.pos == pending.size {
                pending.size = try input.refill()
                pending.pos = 0
                if pending.size == 0 {
                    if frameInProgress {
                        // zstd may still hold decoded bytes of the last block: let it hand them
                        // over (and say whether that ends the frame) before calling the file short.
                        let hint = try decompress(&output)
                        if hint == 0 { frameInProgress = false; continue }
                        if output.pos > 0 { break }
                        throw InputError(.badData, file: input.name, byteOffset: bytesConsumed,
                                         problem: "truncated zstd file: the stream ends inside a frame (interrupted copy or upload?)")
                    }
                    finished = true
                    break
                }
            }
            frameInProgress = try decompress(&output) != 0
        }
        return output.pos
    }

    /// One call of `ZSTD_decompressStream`; returns its hint, 0 when a frame has ended and all its
    /// bytes are out, and turns its errors into corrupt-data errors with zstd's code and name.
    private func decompress(_ output: inout ZSTD_outBuffer) throws -> Int {
        let result = ZSTD_decompressStream(context, &output, &pending)
        if ZSTD_isError(result) != 0 {
            let code = ZSTD_getErrorCode(result)
            let text = String(cString: ZSTD_getErrorName(result))
            if code == ZSTD_error_memory_allocation {
                throw InputError(.unreadable, file: input.name, problem: "out of memory while decompressing zstd data")
            }
            throw InputError(.badData, file: input.name, byteOffset: bytesConsumed,
                             problem: "corrupt zstd data (\(text), zstd error \(code.rawValue))")
        }
        return result
    }
}
