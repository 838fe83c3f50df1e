/// PyTorch's own files (`torch.save`, `torch.jit.save`: `.pt`, `.pth`), recognised so the
/// refusal can say what works instead. They are never unpickled: loading a pickle runs
/// whatever code it names.
///
/// Since PyTorch 1.6 `torch.save` writes a ZIP holding `ARCHIVE/data.pkl` and the tensors'
/// bytes; before (or with `_use_new_zipfile_serialization=False`) a bare pickle, which opens
/// with the PROTO opcode `0x80` and a protocol number 2 to 5.
enum TorchPickle {
    /// The refusal, naming the two exports nnpipe reads.
    static func problem(_ what: String) -> ModelError {
        ModelError("\(what) is a PyTorch pickle (torch.save, .pt/.pth), which nnpipe does not read: unpickling runs code. Save the weights with `from safetensors.torch import save_file; save_file(model.state_dict(), \"model.safetensors\")` (activations then go in the pipeline), or the whole model with `torch.onnx.export(model.eval(), torch.zeros(1, n_features), \"model.onnx\")`")
    }

    /// Whether the bytes are a bare pickle: PROTO 2…5.
    static func isBarePickle(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x80 && (2...5).contains(bytes[1])
    }

    /// Whether a ZIP member name is `torch.save`'s pickle (`net/data.pkl`, `data.pkl`).
    static func isPickleMember(_ name: String) -> Bool {
        name == "data.pkl" || name.hasSuffix("/data.pkl")
    }
}
