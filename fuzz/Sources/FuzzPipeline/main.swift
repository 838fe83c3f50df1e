import FuzzSupport
import Foundation
@testable import NNPipe

/// A scratch folder holding a copy of the repository's `sample-data/` (the example models and
/// inputs), with the pipeline file's folder `pipelines/` beside it, as in the repository: a
/// pipeline that names `../sample-data/sensor-model.onnx` loads the real model.
let folder: String = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-fuzz-pipeline-\(getpid())")
    try? FileManager.default.createDirectory(at: scratch.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
    try? FileManager.default.copyItem(at: repository.appendingPathComponent("sample-data"),
                                      to: scratch.appendingPathComponent("sample-data"))
    return scratch.appendingPathComponent("pipelines").path
}()

/// What `${NAME}` expands from: set, empty, and unset names.
let environment = ["DATA": "../sample-data", "MODEL": "sensor-model.json", "EMPTY": "", "N": "3", "HOME": "/home/fuzz"]

/// libFuzzer entry point: the pipeline-file loader (YAML, alias budget, `${…}` interpolation,
/// every stage's keys, the model and scaler files they name) on the input as pipeline text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    requireResultOrTypedError("PipelineLoader.parse") {
        _ = try PipelineLoader.parse(yaml: text, file: "fuzz.yaml", folder: folder, environment: environment)
    }
    return 0
}
