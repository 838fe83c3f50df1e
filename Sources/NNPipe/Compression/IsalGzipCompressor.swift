#if ISAL
import CCPU
import CISAL

/// Compresses blocks into gzip members with ISA-L's deflate (levels 1–3).
package final class IsalGzipCompressor: ChunkCompressor {
    /// ISA-L keeps pointers into its stream state: one heap allocation, reused.
    private let stream: UnsafeMutablePointer<isal_zstream>
    private let levelBuffer: UnsafeMutablePointer<UInt8>
    private let levelBufferSize: UInt32
    package let level: Int

    package init(level: Int) {
        self.level = min(max(level, 1), 3)
        stream = .allocate(capacity: 1)
        levelBufferSize = CISAL_level_buffer_size(Int32(self.level))
        levelBuffer = .allocate(capacity: Int(levelBufferSize))
    }

    deinit {
        stream.deallocate()
        levelBuffer.deallocate()
    }

    /// `input` as gzip members in BGZF's shape (``BGZFMembers``).
    package func member(_ input: [UInt8]) -> [UInt8] {
        let output = BGZFMembers.members(input) { plainMember($0) }
        // ISA-L's AVX code leaves the upper vector state dirty; see ChunkProcessor.
        CPUFeatures.clearUpperVectorState()
        return output
    }

    /// `source` as one gzip member.
    private func plainMember(_ source: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // Deflate's worst case is a few bytes per 64 KiB block over the input, plus the wrapper.
        var output = [UInt8](repeating: 0, count: source.count + source.count / 16 + 1024)
        var written = 0
        isal_deflate_init(stream)
        stream.pointee.level = UInt32(level)
        stream.pointee.level_buf = levelBuffer
        stream.pointee.level_buf_size = levelBufferSize
        stream.pointee.gzip_flag = UInt16(IGZIP_GZIP)
        stream.pointee.end_of_stream = 1
        stream.pointee.flush = UInt16(NO_FLUSH)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
        stream.pointee.avail_in = UInt32(source.count)
        while true {
            output.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_out = target.baseAddress! + written
                stream.pointee.avail_out = UInt32(target.count - written)
                // Fails only on an invalid level or level buffer, both fixed above: another
                // status would be a fault in nnpipe, never a property of the data.
                let status = isal_deflate(stream)
                precondition(status == COMP_OK, "isal_deflate returned \(status)")
                written = target.count - Int(stream.pointee.avail_out)
            }
            if CISAL_deflate_finished(stream) != 0 { break }
            output.append(contentsOf: repeatElement(0, count: output.count / 2 + 1024))
        }
        output.removeLast(output.count - written)
        return output
    }
}
#endif
