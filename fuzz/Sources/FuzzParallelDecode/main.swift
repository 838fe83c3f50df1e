import FuzzSupport
import Glibc
@testable import NNPipe

/// The stream in a file of its own (the parallel decoder reads a ``FileSource``), in /dev/shm.
let path = "/dev/shm/nnpipe-fuzz-parallel-\(getpid())"

func file(_ bytes: [UInt8]) -> String {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    require(descriptor >= 0, "cannot write \(path)")
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    return path
}

/// libFuzzer entry point. Byte 0 picks the part size, the parts in flight and the read size;
/// byte 1 the stream: odd, the rest as it is (gzip when it starts with gzip's magic, else zstd);
/// even, the rest cut into pieces compressed as nnpipe's own BGZF members or zstd frames, one
/// byte of the result flipped where byte 2 says (0: none). The parallel decoder must give what
/// one decoder gives: the same error line, and bytes that agree (one begins the other).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 3 else { return 0 }
    let partBytes = [1, 100, 5_000, 70_000, 512 * 1024][Int(data[0] & 7) % 5]
    let inFlight = 2 + Int(data[0] >> 3 & 3)
    let read = readSize(selector: data[0] >> 5)
    let rest = Array(UnsafeBufferPointer(start: data + 3, count: size - 3))
    var stream: [UInt8]
    let gzip: Bool
    if data[1] & 1 == 1 {
        stream = rest
        gzip = rest.starts(with: [0x1F, 0x8B])
    } else {
        gzip = data[1] & 2 == 0
        guard let compressor = try? (gzip ? OutputCodec.gzip(level: 1) : OutputCodec.zstd(level: 1)).makeCompressor() else { return 0 }
        stream = []
        var at = 0
        while at < rest.count {
            let length = min(rest.count - at, 1 + Int(rest[at]) * 97)
            stream += compressor.member(Array(rest[at..<(at + length)]))
            at += length
        }
        if data[2] != 0, !stream.isEmpty {
            stream[Int(data[2]) * 131 % stream.count] ^= data[2]
        }
    }
    let path = file(stream)
    defer { unlink(path) }
    let one = drain({
        let source = try FileSource(path: path, name: "in")
        return gzip ? try InputOpener.gzipReader(over: source, name: "in") : try ZstdReader(source: source, name: "in")
    }, readSize: read)  // where a decoder notices an error can depend on how much it is asked for
    let parallel = drain({
        let input = ReadAhead(file: try FileSource(path: path, name: "in"))
        if gzip {
            let finder = GzipMemberFinder(input: input, name: "in", partBytes: partBytes) { try InputOpener.gzipReader(over: $0, name: "in") }
            return ParallelDecoder(finder: finder, name: "in", partsInFlight: inFlight)
        }
        return ParallelDecoder(finder: ZstdFrameFinder(input: input, name: "in", partBytes: partBytes), name: "in", partsInFlight: inFlight)
    }, readSize: read)
    agree(one, parallel, "parallel")
    return 0
}
