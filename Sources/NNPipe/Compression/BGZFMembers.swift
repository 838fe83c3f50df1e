/// nnpipe's gzip output in BGZF's shape (the SAM/BAM specification, section 4.1): members of at
/// most ``blockBytes`` of input, each with an extra header subfield `BC` holding the member's
/// size minus one.
///
/// Every gzip reader reads it as plain gzip (members one after another; unknown extra subfields
/// are skipped), and readers that know the subfield find the members without inflating and inflate
/// them in parallel: a chained nnpipe (``GzipMemberFinder``), `bgzip -d -@N`, rapidgzip. Blocks of
/// 64 KiB cost about 0.1% in size against one member per chunk.
enum BGZFMembers {
    /// Input bytes per member: bgzip's own block size, which leaves room for the worst-case
    /// expansion of incompressible data within BGZF's 64 KiB member limit.
    static let blockBytes = 0xFF00

    /// BGZF's end-of-file marker: an empty member with the size subfield (28 bytes).
    static let endOfFile: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x04, 0, 0, 0, 0, 0, 0xFF, 6, 0, 0x42, 0x43, 2, 0, 0x1B, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]

    /// `input` as BGZF members, each block compressed by `compress` into a plain gzip member
    /// (with the 10-byte header zlib and ISA-L write), into which the size subfield is put.
    static func members(_ input: [UInt8], compress: (UnsafeBufferPointer<UInt8>) -> [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2 + 64)
        input.withUnsafeBufferPointer { all in
            var start = 0
            repeat {
                let block = UnsafeBufferPointer(rebasing: all[start..<min(start + blockBytes, all.count)])
                append(compress(block), to: &output)
                start += block.count
            } while start < all.count
        }
        return output
    }

    /// Appends `member` (a gzip member with a 10-byte header and no flags) with the `BC` subfield
    /// added: FLG.FEXTRA set, then XLEN = 6 and the subfield `B`, `C`, SLEN = 2, BSIZE.
    private static func append(_ member: [UInt8], to output: inout [UInt8]) {
        let size = member.count + 8
        guard member.count >= 18, member[3] == 0, size <= 0x10000 else {
            // Not the plain header expected, or too large for the field: kept as it is, still
            // valid gzip (a reader then inflates the rest of the file on one thread).
            output.append(contentsOf: member)
            return
        }
        output.append(contentsOf: member[0..<3])
        output.append(0x04)
        output.append(contentsOf: member[4..<10])
        let stated = size - 1
        output.append(contentsOf: [6, 0, 0x42, 0x43, 2, 0, UInt8(stated & 0xFF), UInt8(stated >> 8)])
        output.append(contentsOf: member[10...])
    }
}
