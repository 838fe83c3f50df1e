import CZlib

/// Compresses blocks of bytes into complete, independent gzip members with zlib (levels 1–9).
package final class GzipCompressor: ChunkCompressor {
    /// zlib keeps pointers into its stream state, so it lives at a fixed heap address.
    private let stream: UnsafeMutablePointer<z_stream>
    package let level: Int

    /// A compressor at `level` (1–9); throws when zlib cannot allocate its state.
    package init(level: Int) throws(ResourceError) {
        self.level = level
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a 32 KiB window with the gzip wrapper. deflateInit2 fails only on invalid
        // arguments (the level is checked by the pipeline loader) or out of memory.
        let status = CZlib_deflateInit2(stream, Int32(level), 15 + 16)
        guard status == Z_OK else {
            stream.deallocate()
            throw ResourceError.outOfMemory("zlib could not start compressing (code \(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// `input` as gzip members in BGZF's shape (``BGZFMembers``).
    package func member(_ input: [UInt8]) -> [UInt8] {
        BGZFMembers.members(input) { plainMember($0) }
    }

    /// `source` as one gzip member.
    private func plainMember(_ source: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        deflateReset(stream)
        let bound = Int(deflateBound(stream, UInt(source.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let written: Int = output.withUnsafeMutableBufferPointer { target in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.pointee.avail_in = UInt32(source.count)
            stream.pointee.next_out = target.baseAddress
            stream.pointee.avail_out = UInt32(target.count)
            // With deflateBound's room, Z_FINISH completes in one call: another status would be
            // a fault in nnpipe, never a property of the data.
            let status = deflate(stream, Z_FINISH)
            precondition(status == Z_STREAM_END, "deflate with deflateBound room returned \(status)")
            return target.count - Int(stream.pointee.avail_out)
        }
        output.removeLast(output.count - written)
        return output
    }
}
