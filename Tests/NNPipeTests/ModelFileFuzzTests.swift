import Foundation
import Testing
@testable import NNPipe

/// Model-file readers on damaged input: every prefix of each fixture (truncation at every
/// byte) and seeded random mutations must give a model or a ``ModelError``, never a crash or a
/// hang. `NNPIPE_FUZZ_ITERATIONS` and `NNPIPE_FUZZ_SEED` work as in ``FuzzTests``.
@Suite("Fuzzing the model-file readers")
struct ModelFileFuzzTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")
    static let files = ["net.npz", "net-compressed.npz", "net-zip64.npz", "net-torch.safetensors", "net-f32.safetensors",
                        "net-gemm.onnx", "net-matmul.onnx", "activations.onnx"]

    /// Decodes and builds the layers; true when the file was usable.
    static func usable(_ bytes: [UInt8]) -> Bool {
        do {
            let file = try bytes.withUnsafeBytes { raw in Result { () throws(ModelError) in try ModelFile.decode(raw, name: "m") } }.get()
            _ = try file.layers()
            return true
        } catch {
            #expect(!error.message.isEmpty)
            return false
        }
    }

    @Test("every truncation is an error (npz, safetensors) or a model, never a crash", arguments: files)
    func truncations(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
        #expect(Self.usable(bytes))
        var usablePrefixes = 0
        for length in 0..<bytes.count where Self.usable(Array(bytes[..<length])) { usablePrefixes += 1 }
        // A ZIP's directory is at its end and safetensors' offsets cover its data: no prefix reads.
        // Protobuf has no end marker, so an ONNX file cut between two top-level fields still reads.
        if !name.hasSuffix(".onnx") { #expect(usablePrefixes == 0) }
    }

    @Test("random mutations give a model or a ModelError", arguments: files)
    func mutations(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
        var rng = FuzzTests.SplitMix(state: FuzzTests.seed &+ UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        var usable = 0
        for _ in 0..<FuzzTests.iterations where Self.usable(FuzzTests.mutate(bytes, &rng)) { usable += 1 }
        #expect(usable < FuzzTests.iterations, "some mutations must be caught")
    }
}
