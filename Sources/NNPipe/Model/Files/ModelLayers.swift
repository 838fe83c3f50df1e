/// A model file's dense layers, in order, with how that order was decided.
public struct ModelLayers: Sendable {
    public var layers: [FileLayer]
    public var order: LayerOrder

    public init(layers: [FileLayer], order: LayerOrder) {
        self.layers = layers
        self.order = order
    }
}
