/// A model file's dense layers, in order, with how that order was decided.
package struct ModelLayers: Sendable {
    package var layers: [FileLayer]
    package var order: LayerOrder

    package init(layers: [FileLayer], order: LayerOrder) {
        self.layers = layers
        self.order = order
    }
}
