/// PReLU's learned slopes: their count against a layer's units, a bare `prelu` (the model
/// file's own slopes) and float32 rounding.
extension Activation {
    /// Whether this is a bare `prelu`, whose slopes the model file gives.
    package var takesFileSlopes: Bool { self == .prelu(slopes: []) }

    /// The same activation with a PReLU's slopes rounded to float32 (a float32 model stores them so).
    var roundedToFloat32: Activation {
        if case .prelu(let slopes) = self { return .prelu(slopes: slopes.map { Double(Float($0)) }) }
        return self
    }

    /// Why this activation cannot follow a layer of `units` units, or nil when it can: a PReLU
    /// has one slope or one per unit, and a bare `prelu` needs the file's slopes.
    func problem(units: Int) -> String? {
        guard case .prelu(let slopes) = self else { return nil }
        if slopes.isEmpty {
            return "prelu without slopes takes them from the model file's nn.PReLU after the layer (npz and safetensors files); write prelu(SLOPE) for one slope or prelu(SLOPE, ...) with one per unit"
        }
        if slopes.count != 1 && slopes.count != units {
            return "prelu has \(slopes.count) slopes but the layer has \(units) units; give one slope, or one per unit"
        }
        return nil
    }
}
