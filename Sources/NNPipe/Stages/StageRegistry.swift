/// Every transform stage kind, by the name pipeline files give it: one line per kind.
enum StageRegistry {
    /// A kind's name and the function that loads its entry (nil when it is unusable; every
    /// problem is reported at the entry's key paths).
    struct Kind: Sendable {
        let name: String
        let load: @Sendable (YAMLCursor, LoadContext) -> (any Stage)?
    }

    /// In the order messages list them.
    static let kinds: [Kind] = [
        Kind(name: "scale", load: ScaleStage.load),
        Kind(name: "forward", load: ForwardStage.load),
        Kind(name: "softmax", load: SoftmaxStage.load),
        Kind(name: "argmax", load: { RankStage.load($0, $1, isArgmax: true) }),
        Kind(name: "top_k", load: { RankStage.load($0, $1, isArgmax: false) }),
        Kind(name: "threshold", load: ThresholdStage.load),
    ]

    /// The kind named `name`.
    static func kind(_ name: String) -> Kind? { kinds.first { $0.name == name } }
}
