/// Inflates a gzip stream member after member, with zlib (``ZlibDecoder``) or ISA-L
/// (``IsalDecoder``): one loop, the decoder a type parameter.
///
/// A gzip file may hold several members one after another (`cat a.gz b.gz`, pigz, bgzip); each
/// decoder stops at the end of each, so at a member's end with more input the decoder starts the
/// next member and reading goes on. The end of the input inside a member is a truncated file: an
/// error, never a short successful read. After the last member only zero padding may follow
/// (see ``CompressedInput/afterMember(next:available:endOffset:)``).
final class GzipReader<Decoder: GzipDecoder>: ByteSource {
    private let input: CompressedInput
    private let decoder: Decoder
    private var memberInProgress = false
    private var finished = false
    /// Whether zero bytes may follow the last member (gzip's rule for a whole file); not within a
    /// part of one cut by ``GzipMemberFinder``, whose members must end exactly at its end.
    private let allowsPadding: Bool

    var bytesConsumed: Int { input.source.bytesConsumed - decoder.availableIn }

    init(source: ByteSource, name: String, decoder: Decoder, allowsPadding: Bool = true) {
        input = CompressedInput(source: source, name: name)
        self.decoder = decoder
        self.allowsPadding = allowsPadding
    }

    // Reached through `ByteSource`, the loop would run unspecialized, its key paths resolved at
    // run time (measured: about 90,000 instructions a call); these make the generic entry jump to
    // a version compiled for each decoder.
    #if ISAL
    @_specialize(where Decoder == IsalDecoder)
    #endif
    @_specialize(where Decoder == ZlibDecoder)
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        guard !finished, capacity > 0 else { return 0 }
        let requested = min(capacity, Int(UInt32.max))
        decoder.setOutput(buffer, count: requested)
        reading: while !finished, decoder.availableOut == requested {
            if decoder.availableIn == 0 {
                let count = try input.refill()
                decoder.setInput(input.buffer, count: count)
                if count == 0 {
                    if memberInProgress {
                        // The input ended inside a member: what the decoder still holds, then a cut-off file.
                        let step: GzipDecodeStep
                        do { step = try decoder.drain() } catch { throw located(error) }
                        switch step {
                        case .memberEnd: try finishMember()
                        case .progress: break reading
                        case .stalled: throw input.truncated(at: bytesConsumed)
                        }
                        continue
                    }
                    finished = true
                    break
                }
            }
            memberInProgress = true
            let step: GzipDecodeStep
            do { step = try decoder.decode() } catch { throw located(error) }
            if step == .memberEnd { try finishMember() }
        }
        decoder.readEnded()
        return requested - decoder.availableOut
    }

    /// After a member's trailer: the next member starts where it ended, or the stream ends at the
    /// end of the input or zero padding.
    private func finishMember() throws {
        memberInProgress = false
        var next = decoder.nextIn ?? input.buffer
        var available = decoder.availableIn
        let after = try input.afterMember(next: &next, available: &available, endOffset: bytesConsumed, allowsPadding: allowsPadding)
        decoder.setInput(next, count: available)
        if after == .end { finished = true } else { decoder.startMember() }
    }

    private func located(_ problem: GzipDecodeProblem) -> InputError {
        switch problem {
        case .corrupt(let detail): input.corrupt(detail, at: bytesConsumed)
        case .outOfMemory: InputError(.unreadable, file: input.name, problem: "out of memory while inflating")
        }
    }
}

/// A gzip decoder's side of ``GzipReader``: its stream state (input and output positions) and
/// the steps the reader takes with it.
protocol GzipDecoder: AnyObject {
    associatedtype State
    /// The library's stream state, at a fixed heap address (the libraries keep pointers into it).
    var state: UnsafeMutablePointer<State> { get }
    /// Where that state keeps the input and output positions.
    static var fields: GzipStreamFields<State> { get }
    /// Inflates from the input into the output: `.memberEnd` once a member's trailer is checked.
    func decode() throws(GzipDecodeProblem) -> GzipDecodeStep
    /// At the end of the input inside a member: hands over what the decoder still holds
    /// (`.stalled` when nothing: the file is cut off).
    func drain() throws(GzipDecodeProblem) -> GzipDecodeStep
    /// Starts the next member at the current input position (output position kept).
    func startMember()
    /// After each read, before the bytes are handed on.
    func readEnded()
}

/// The input and output positions in zlib's `z_stream` and ISA-L's `inflate_state`, which name
/// them alike: the accessors below are written once for both.
struct GzipStreamFields<State> {
    let nextIn: WritableKeyPath<State, UnsafeMutablePointer<UInt8>?>
    let availIn: WritableKeyPath<State, UInt32>
    let nextOut: WritableKeyPath<State, UnsafeMutablePointer<UInt8>?>
    let availOut: WritableKeyPath<State, UInt32>
}

extension GzipDecoder {
    /// The compressed bytes handed over and not yet consumed (set before any member ends).
    var nextIn: UnsafeMutablePointer<UInt8>? { state.pointee[keyPath: Self.fields.nextIn] }
    var availableIn: Int { Int(state.pointee[keyPath: Self.fields.availIn]) }
    /// Room left in the current output block.
    var availableOut: Int { Int(state.pointee[keyPath: Self.fields.availOut]) }

    func setInput(_ next: UnsafeMutablePointer<UInt8>?, count: Int) {
        state.pointee[keyPath: Self.fields.nextIn] = next
        state.pointee[keyPath: Self.fields.availIn] = UInt32(count)
    }

    func setOutput(_ next: UnsafeMutablePointer<UInt8>, count: Int) {
        state.pointee[keyPath: Self.fields.nextOut] = next
        state.pointee[keyPath: Self.fields.availOut] = UInt32(count)
    }
}

/// What one decoder step did.
enum GzipDecodeStep {
    /// Consumed input or produced output (or needs more input).
    case progress
    /// The member's trailer was read and checked.
    case memberEnd
    /// Nothing to hand over (only from ``GzipDecoder/drain()``).
    case stalled
}

/// What a decoder could not do; ``GzipReader`` adds the file and byte offset.
enum GzipDecodeProblem: Error {
    /// The data is not valid gzip (the decoder's own words).
    case corrupt(String)
    case outOfMemory
}
