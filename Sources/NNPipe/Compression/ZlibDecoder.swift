import CZlib

/// zlib's inflate for ``GzipReader``: the baseline decoder that always builds.
final class ZlibDecoder: GzipDecoder {
    /// zlib keeps pointers into its stream state, so it lives at a fixed heap address.
    let state: UnsafeMutablePointer<z_stream>
    static var fields: GzipStreamFields<z_stream> {
        .init(nextIn: \.next_in, availIn: \.avail_in, nextOut: \.next_out, availOut: \.avail_out)
    }

    init(name: String) throws(InputError) {
        state = .allocate(capacity: 1)
        state.initialize(to: z_stream())
        // 15 + 16: a 32 KiB window, gzip wrapper only (the magic was checked by the opener).
        let status = CZlib_inflateInit2(state, 15 + 16)
        guard status == Z_OK else {
            state.deallocate()
            throw InputError(.unreadable, file: name, problem: "zlib could not start inflating (code \(status))")
        }
    }

    deinit {
        inflateEnd(state)
        state.deallocate()
    }

    func decode() throws(GzipDecodeProblem) -> GzipDecodeStep {
        let status = inflate(state, Z_NO_FLUSH)
        switch status {
        case Z_OK, Z_BUF_ERROR: return .progress
        case Z_STREAM_END: return .memberEnd
        case Z_DATA_ERROR, Z_NEED_DICT: throw .corrupt(state.pointee.msg.map { String(cString: $0) } ?? "invalid data")
        case Z_MEM_ERROR: throw .outOfMemory
        default: throw .corrupt("zlib code \(status)")
        }
    }

    /// zlib hands over all it can while input lasts: at the end of the input nothing is left.
    func drain() -> GzipDecodeStep { .stalled }

    /// `inflateReset` fails only on a stream zlib never initialized, which cannot happen here.
    func startMember() { inflateReset(state) }

    func readEnded() {}
}
