#if ISAL
import CCPU
import CISAL

/// Intel ISA-L's inflate for ``GzipReader``: the fast path for gzip input (about three times
/// zlib's speed), with the same behaviour: multi-member files are read whole, the CRC of each
/// member is checked, input that ends inside a member is a truncated file.
///
/// Each member's header is read by ``GzipHeaderParser`` (ISA-L 2.30 miscomputes the FHCRC check
/// of a header that arrives in pieces); ISA-L inflates the deflate data after it and checks the
/// trailer (`ISAL_GZIP_NO_HDR_VER`).
final class IsalDecoder: GzipDecoder {
    /// ISA-L's state is large (~85 KB) and holds pointers into itself: one heap allocation.
    let state: UnsafeMutablePointer<inflate_state>
    static var fields: GzipStreamFields<inflate_state> {
        .init(nextIn: \.next_in, availIn: \.avail_in, nextOut: \.next_out, availOut: \.avail_out)
    }
    /// The current member's header while it is being read; nil once ISA-L has the member.
    private var header: GzipHeaderParser? = GzipHeaderParser()

    init() {
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR_VER)
    }

    deinit { state.deallocate() }

    func decode() throws(GzipDecodeProblem) -> GzipDecodeStep {
        if header != nil {
            try readHeader()
            if header != nil { return .progress }  // the header goes on in the next block
        }
        return try inflate()
    }

    /// ISA-L reads input ahead into its own bit buffer: let it hand over what it holds before
    /// the file is called short.
    func drain() throws(GzipDecodeProblem) -> GzipDecodeStep {
        guard header == nil else { return .stalled }
        let before = state.pointee.avail_out
        if try inflate() == .memberEnd { return .memberEnd }
        return state.pointee.avail_out != before ? .progress : .stalled
    }

    /// One `isal_inflate` call; a negative status is corrupt data, the others are progress.
    private func inflate() throws(GzipDecodeProblem) -> GzipDecodeStep {
        let status = isal_inflate(state)
        if status < 0 { throw .corrupt(Self.describe(status)) }
        return state.pointee.block_state == ISAL_BLOCK_FINISH ? .memberEnd : .progress
    }

    /// Reads header bytes from the input; ``header`` becomes nil once the header is whole.
    private func readHeader() throws(GzipDecodeProblem) {
        guard var parser = header else { return }
        do {
            let used = try parser.consume(state.pointee.next_in, available: Int(state.pointee.avail_in))
            state.pointee.next_in += used
            state.pointee.avail_in -= UInt32(used)
        } catch {
            throw .corrupt(error.reason)
        }
        header = parser.isComplete ? nil : parser
    }

    /// Resets the state for the next member, keeping the input and output positions (the reset
    /// clears them).
    func startMember() {
        let nextIn = state.pointee.next_in, availIn = state.pointee.avail_in
        let nextOut = state.pointee.next_out, availOut = state.pointee.avail_out
        isal_inflate_reset(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR_VER)
        state.pointee.next_in = nextIn
        state.pointee.avail_in = availIn
        state.pointee.next_out = nextOut
        state.pointee.avail_out = availOut
        header = GzipHeaderParser()
    }

    /// ISA-L's AVX code leaves the upper vector state dirty; clear it so the SSE code that
    /// follows on this thread (and threads it creates) runs at full speed.
    func readEnded() { CPUFeatures.clearUpperVectorState() }

    static func describe(_ status: Int32) -> String {
        switch status {
        case ISAL_INVALID_BLOCK: "invalid block"
        case ISAL_INVALID_SYMBOL: "invalid symbol"
        case ISAL_INVALID_LOOKBACK: "invalid distance"
        case ISAL_INVALID_WRAPPER: "invalid gzip header"
        case ISAL_INCORRECT_CHECKSUM: "CRC mismatch"
        case ISAL_UNSUPPORTED_METHOD: "unsupported method"
        default: "ISA-L code \(status)"
        }
    }
}
#endif
