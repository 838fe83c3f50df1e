/// Compresses one chunk's bytes into a complete, independent gzip member or zstd frame.
///
/// Members written one after another form one valid gzip file (gzip, zcat, Python's gzip and
/// pigz read them all), and frames one valid zstd file (`zstd -d`, Python's zstandard), so each
/// worker compresses its own chunks in parallel and the writer only concatenates. Each worker
/// owns one compressor, reused for every chunk, inside its ``OutputEncoder``.
package protocol ChunkCompressor: AnyObject {
    func member(_ input: [UInt8]) -> [UInt8]
}

/// An output's compression: the format and its level.
package enum OutputCodec: Equatable, Sendable {
    /// gzip at level 1–9 (see ``ChunkCompressors/make(level:)``).
    case gzip(level: Int)
    /// zstd at level 1–19.
    case zstd(level: Int)

    /// A compressor for one worker; throws when the library cannot allocate its state.
    package func makeCompressor() throws(ResourceError) -> ChunkCompressor {
        switch self {
        case .gzip(let level): try ChunkCompressors.make(level: level)
        case .zstd(let level): try ZstdCompressor(level: level)
        }
    }

    /// The format, level and library, for `validate`: "gzip level 3 (ISA-L)".
    package var description: String {
        switch self {
        case .gzip(let level): "gzip level \(level) (\(ChunkCompressors.engine(level: level)))"
        case .zstd(let level): "zstd level \(level)"
        }
    }
}

package enum ChunkCompressors {
    /// The compressor for `level`: ISA-L's deflate at levels 1–3 when it is built in (about 25×
    /// faster than zlib at level 6, for a file about 3% larger, measured on nnpipe's own output),
    /// zlib at 4–9, or everywhere with `swift build --disable-default-traits`.
    package static func make(level: Int) throws(ResourceError) -> ChunkCompressor {
        #if ISAL
        if level <= 3 { return IsalGzipCompressor(level: level) }
        #endif
        return try GzipCompressor(level: level)
    }

    /// Which library compresses at `level`, for messages.
    package static func engine(level: Int) -> String {
        #if ISAL
        if level <= 3 { return "ISA-L" }
        #endif
        return "zlib"
    }
}
