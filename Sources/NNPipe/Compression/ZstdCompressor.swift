import CZstd

/// Compresses blocks of bytes into complete, independent zstd frames with libzstd.
///
/// Frames written one after another form one valid zstd file (`zstd -d`, Python's zstandard and
/// nnpipe itself read them all), as gzip members do; each frame carries its content size and a
/// content checksum, as the `zstd` command writes by default.
package final class ZstdCompressor: ChunkCompressor {
    /// One context for every chunk, freed in `deinit`: its tables are reused between frames.
    private let context: OpaquePointer
    package let level: Int

    /// A compressor at `level` (1–19; the loader checks the range); throws when zstd cannot
    /// allocate its context.
    package init(level: Int) throws(ResourceError) {
        self.level = level
        guard let context = ZSTD_createCCtx() else { throw ResourceError.outOfMemory("zstd could not make a compression context") }
        self.context = context
        // Setting a parameter fails only on a value out of its range or an unknown parameter.
        Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)), "compressionLevel")
        Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "checksumFlag")
    }

    deinit { ZSTD_freeCCtx(context) }

    /// `input` as one zstd frame.
    package func member(_ input: [UInt8]) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written: Int = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                // With ZSTD_compressBound's room the frame is written whole in one call.
                let result = ZSTD_compress2(context, target.baseAddress, target.count, source.baseAddress, source.count)
                Self.check(result, "compress2")
                return result
            }
        }
        output.removeLast(output.count - written)
        return output
    }

    private static func check(_ result: Int, _ call: String) {
        precondition(ZSTD_isError(result) == 0,
                     "ZSTD_\(call) failed: \(String(cString: ZSTD_getErrorName(result))) (zstd error \(ZSTD_getErrorCode(result).rawValue))")
    }
}
