import FuzzSupport
@testable import NNPipe

/// Inflates everything `reader` gives, up to `limit` bytes (a bomb is the readers' business only
/// as far as streaming goes); returns the bytes and whether the end of the input was reached.
func drain(_ reader: ByteSource, limit: Int = 8 << 20) throws -> (bytes: [UInt8], complete: Bool) {
    var output: [UInt8] = []
    let capacity = 1 << 16
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    defer { buffer.deallocate() }
    while output.count < limit {
        let count = try reader.read(into: buffer, capacity: capacity)
        require(count >= 0 && count <= capacity, "read returned \(count) for a capacity of \(capacity)")
        if count == 0 { return (output, true) }
        output.append(contentsOf: UnsafeBufferPointer(start: buffer, count: count))
    }
    return (output, false)
}

/// One outcome of a decoder: the bytes, or the message of its typed error.
enum Outcome {
    case bytes([UInt8], complete: Bool)
    case failed(String)
}

func inflate(_ make: () throws -> ByteSource) -> Outcome {
    do {
        let (bytes, complete) = try drain(try make())
        return .bytes(bytes, complete: complete)
    } catch let error as any NNPipeError {
        return .failed(error.description)
    } catch {
        fatalError("untyped error \(type(of: error)): \(error)")
    }
}

/// libFuzzer entry point: the first byte picks the read size of the compressed input, the rest
/// is a gzip stream inflated by ``GzipReader`` over zlib (``ZlibDecoder``) and, when built with
/// it, over ISA-L (``IsalDecoder``). The two must agree: the same bytes, or both a typed error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let read = readSize(selector: data[0])
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let zlib = inflate {
        try GzipReader(source: MemorySource(input, readSize: read), name: "in.csv.gz", decoder: try ZlibDecoder(name: "in.csv.gz"))
    }
    #if ISAL
    let isal = inflate { GzipReader(source: MemorySource(input, readSize: read), name: "in.csv.gz", decoder: IsalDecoder()) }
    switch (zlib, isal) {
    case let (.bytes(a, aComplete), .bytes(b, bComplete)):
        if aComplete && bComplete { require(a == b, "zlib and ISA-L inflate to different bytes (\(a.count) and \(b.count))") }
    case let (.bytes(bytes, complete), .failed(message)):
        if complete { fatalError("zlib inflates \(bytes.count) bytes; ISA-L fails: \(message)") }
    case let (.failed(message), .bytes(bytes, complete)):
        if complete { fatalError("ISA-L inflates \(bytes.count) bytes; zlib fails: \(message)") }
    case (.failed, .failed):
        break
    }
    #endif
    return 0
}
