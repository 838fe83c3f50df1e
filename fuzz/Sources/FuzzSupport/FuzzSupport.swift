import Glibc
@testable import NNPipe

/// Runs one fuzz input through `body`: a result or a typed nnpipe error is fine; any other error
/// stops the fuzzer (a crash it records with the input), as do traps and ASan reports.
public func requireResultOrTypedError(_ what: String, _ body: () throws -> Void) {
    do {
        try body()
    } catch is any NNPipeError {
        // The answer bad input must get.
    } catch {
        fatalError("\(what): untyped error \(type(of: error)): \(error)")
    }
}

/// Stops the fuzzer with `message` when `condition` is false (an invariant the code promises).
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

/// The fuzz input as a ``ByteSource``, handed out in reads of at most `readSize` bytes, so that
/// readers meet their input split at every boundary the fuzzer picks.
public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private let readSize: Int
    public private(set) var bytesConsumed = 0

    public init(_ bytes: [UInt8], readSize: Int) {
        self.bytes = bytes
        self.readSize = max(1, readSize)
    }

    public func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        let count = min(capacity, readSize, bytes.count - bytesConsumed)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { all in
            buffer.update(from: all.baseAddress! + bytesConsumed, count: count)
        }
        bytesConsumed += count
        return count
    }
}

/// The read sizes a fuzz input's first byte chooses among (the rest is the input itself).
public func readSize(selector: UInt8) -> Int {
    let sizes = [1, 2, 3, 7, 64, 4096, 1 << 20]
    return sizes[Int(selector) % sizes.count]
}

/// Decodes a model file from the fuzz input as `nnpipe inspect` and `run` would (its tensors, its
/// layers in order, their description), when its first bytes announce one of `formats` (nil: no
/// signature, which ONNX may still be); other inputs are left to the other model targets.
public func fuzzModelFile(_ data: UnsafePointer<UInt8>, _ size: Int, formats: [ModelFileFormat?], name: String) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard formats.contains(ModelFile.detect(bytes)) else { return -1 }
    requireResultOrTypedError(name) {
        let file = try ModelFile.decode(bytes, name: name)
        _ = ModelFileDescription.tensorLines(file)
        _ = ModelFileDescription.stepLines(file)
        let found = try file.orderedLayers()
        _ = ModelFileDescription.layerLines(found)
    }
    return 0
}

/// What a decoder gave: the bytes before its end or its typed error, and the error's line.
public struct Outcome {
    public var bytes: [UInt8]
    public var error: String?
}

public func drain(_ make: () throws -> ByteSource, readSize: Int) -> Outcome {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: readSize)
    do {
        let source = try make()
        while bytes.count < 64 << 20 {
            let count = try buffer.withUnsafeMutableBufferPointer { try source.read(into: $0.baseAddress!, capacity: readSize) }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        return Outcome(bytes: bytes)
    } catch let error as any NNPipeError {
        return Outcome(bytes: bytes, error: error.description)
    } catch {
        fatalError("untyped error \(type(of: error)): \(error)")
    }
}

/// A parallel reader's outcome agrees with one decoder's: the same error line, and bytes that
/// agree (all of them when there is no error).
public func agree(_ one: Outcome, _ other: Outcome, _ what: String) {
    require(one.error == other.error, "one decoder: \(one.error ?? "no error"); \(what): \(other.error ?? "no error")")
    let common = min(one.bytes.count, other.bytes.count)
    require(one.bytes[..<common] == other.bytes[..<common], "the decoders' bytes differ (\(what))")
    if one.error == nil { require(one.bytes.count == other.bytes.count, "\(one.bytes.count) bytes from one decoder, \(other.bytes.count) \(what)") }
}
