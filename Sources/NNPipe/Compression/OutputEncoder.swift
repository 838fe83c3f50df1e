/// Turns an output's CSV text into the bytes written to it: the text as it is, or one complete,
/// independent compressed member (gzip, zstd) per piece.
///
/// The one place an output's compression is applied: its header line, each chunk's rows (in the
/// chunk's worker, each worker with its own encoder), the part of a chunk written when
/// `max_errors` stops inside it, and the end-of-file marker after the last chunk. Members written
/// one after another form one valid file, so where a piece was encoded never shows in the output.
final class OutputEncoder {
    /// The compression, nil for plain text.
    let codec: OutputCodec?
    /// Reused for every piece (nil for plain text).
    private let compressor: ChunkCompressor?

    /// An encoder for `codec`; throws when the compression library cannot allocate its state.
    init(codec: OutputCodec?) throws(ResourceError) {
        self.codec = codec
        compressor = try codec?.makeCompressor()
    }

    /// Whether the bytes written are compressed (and so cannot be cut between rows).
    var compresses: Bool { compressor != nil }

    /// An encoder that writes the text as it is.
    init() {
        codec = nil
        compressor = nil
    }

    /// `text` as written: one compressed member, or the text itself.
    func encode(_ text: [UInt8]) -> [UInt8] {
        compressor.map { $0.member(text) } ?? text
    }

    /// What ends the output after its last piece: for gzip, BGZF's end-of-file marker (an empty
    /// member, which bgzip and htslib look for to tell a whole file from a cut one); else nothing.
    var ending: [UInt8] {
        if case .gzip = codec { return BGZFMembers.endOfFile }
        return []
    }
}

/// The encoders of a run's output and of its rejects file.
struct OutputEncoders {
    let output: OutputEncoder
    let rejects: OutputEncoder

    /// The output's compression (`write.compression`) and the rejects file's (from its name's
    /// suffix, at the same levels).
    init(config: PipelineConfig) throws(ResourceError) {
        output = try OutputEncoder(codec: config.write.codec)
        rejects = try OutputEncoder(codec: config.rejectsCodec)
    }

    /// Encoders that write plain text to both.
    static var plain: OutputEncoders { OutputEncoders(output: OutputEncoder(), rejects: OutputEncoder()) }

    private init(output: OutputEncoder, rejects: OutputEncoder) {
        (self.output, self.rejects) = (output, rejects)
    }
}
