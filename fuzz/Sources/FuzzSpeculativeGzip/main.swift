import FuzzSupport
import Glibc
@testable import NNPipe

/// libFuzzer entry point: the speculative reader of one gzip member (``SpeculativeGzipReader``)
/// against one decoder, or (byte 1's high bit) the marker decoder against zlib on the bytes as
/// raw deflate data. Byte 0 picks the region size, the decoders and the read size; byte 1 the
/// first bit (markers) or who inflates the regions (the reading thread, the pool or both); byte 2 the text's scrambling, whether the file is two members (`cat a.gz a.gz`) and whether a byte is flipped; the rest makes the text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 3 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 3, count: size - 3))
    if data[1] & 0x80 != 0 {
        markers(rest, from: Int(data[1] & 7))
    } else {
        speculative(rest, data)
    }
    return 0
}

/// The fuzz bytes as raw deflate data from bit `from`: the marker decoder (``MarkerInflate``),
/// its markers filled in from a stand-in window, against zlib given that window: the same bytes
/// and end, or zlib's failure with zlib's message (or the bytes running out).
func markers(_ bytes: [UInt8], from: Int) {
    let window = (0..<MarkerInflate.windowSize).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    let limit = 1 << 22
    let zlib = bytes.withUnsafeBufferPointer { input in
        window.withUnsafeBufferPointer { RawInflateRun.run(input, base: 0, from: from, dictionary: $0, stopAtOrAfter: Int.max, limit: limit) }
    }
    let ours = bytes.withUnsafeBufferPointer { MarkerInflate.run($0, base: 0, from: from, stopAtOrAfter: Int.max, limit: limit) }
    if let reason = zlib.failure {
        require(ours.failure == reason || ours.ranOut || (ours.failure ?? "").hasPrefix("decodes to more"),
                "zlib: \(reason); markers: \(ours.failure ?? (ours.ranOut ? "ran out" : "decoded"))")
    } else if zlib.ranOut {
        require(ours.ranOut || ours.failure != nil, "zlib ran out; markers decoded to bit \(ours.end)")
    } else {
        require(ours.failure == nil && !ours.ranOut && ours.end == zlib.end && ours.streamEnded == zlib.streamEnded,
                "zlib ended at bit \(zlib.end); markers: \(ours.failure ?? (ours.ranOut ? "ran out" : "bit \(ours.end)"))")
        let filled = ours.symbols.array.map { $0 < 256 ? UInt8($0) : window[Int($0) - 256] }
        require(filled == zlib.output, "the bytes differ")
    }
}

/// One gzip member, as the gzip command writes it, of CSV-like text made from the fuzz bytes (so
/// that it is several dynamic blocks), perhaps with a byte flipped, read by the speculative
/// reader in small regions: it must give what one decoder gives.
func speculative(_ rest: [UInt8], _ data: UnsafePointer<UInt8>) {
    guard !rest.isEmpty else { return }
    // Digits, commas, points and line feeds, scrambled each round: Huffman-coded literals in
    // dynamic blocks of about 16,000 symbols, as in CSV text.
    let alphabet = Array("0123456789,.\n".utf8)
    var text: [UInt8] = []
    var state = UInt64(data[2]) &+ 0x9E3779B97F4A7C15
    while text.count < 60_000 {
        for byte in rest {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            text.append(alphabet[Int((UInt64(byte) &+ (state & 0xF)) % UInt64(alphabet.count))])
        }
    }
    let path = "/dev/shm/nnpipe-fuzz-speculative-\(getpid())"
    guard let pipe = popen("gzip -6 -n -c > \(path)", "w") else { return }
    _ = text.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, pipe) }
    guard pclose(pipe) == 0 else { return }
    defer { unlink(path) }
    if data[2] & 0x40 != 0, let member = try? FileSource(path: path, name: "in").readUpTo(1 << 24) {
        // A second member after the first: one decoder reads on from its header.
        let descriptor = open(path, O_WRONLY | O_APPEND)
        if descriptor >= 0 { _ = member.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } }
        close(descriptor)
    }
    if data[2] & 0x80 != 0 {
        // A byte flipped somewhere in the deflate data or the trailer.
        let descriptor = open(path, O_RDWR)
        var info = stat()
        if descriptor >= 0, fstat(descriptor, &info) == 0, info.st_size > 20 {
            let at = off_t(20 + Int(data[2]) * 7919 % (Int(info.st_size) - 20))
            var byte: UInt8 = 0
            if pread(descriptor, &byte, 1, at) == 1 {
                byte ^= data[2] | 1
                _ = pwrite(descriptor, &byte, 1, at)
            }
        }
        close(descriptor)
    }
    let read = readSize(selector: data[0] >> 5)
    let one = drain({ try InputOpener.gzipReader(over: try FileSource(path: path, name: "in"), name: "in") }, readSize: read)
    let region = [512, 1024, 4096, 16384][Int(data[0] & 3)]
    // Who inflates the regions: the reading thread (ISA-L), the pool (markers), or both.
    let share: SpeculativeGzipReader.Share = [.either, .poolOnly, .readerOnly][Int(data[1] & 0x7F) % 3]
    let other = drain({
        let file = try FileSource(path: path, name: "in")
        guard let reader = SpeculativeGzipReader(file: file, name: "in", decoders: 2 + Int(data[0] >> 2 & 3), regionBytes: region,
                                                 minimumRegions: 2, share: share, oneDecoder: { try InputOpener.gzipReader(over: $0, name: "in") }) else {
            return try InputOpener.gzipReader(over: file, name: "in")
        }
        return reader
    }, readSize: read)
    agree(one, other, "speculative")
}
