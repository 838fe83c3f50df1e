import FuzzSupport
@testable import NNPipe

/// libFuzzer entry point: ModelFile.decode and the layers built from what it read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzModelFile(data, size, formats: [.npz, .npy], name: "net.npz")
}
