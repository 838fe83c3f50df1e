@testable import NNPipe

extension ActivationTests {
    /// Every activation, with the parameters of its variants.
    static let all: [Activation] = [.identity, .sigmoid, .relu, .tanh, .softmax, .logSoftmax, .leakyRelu(slope: 0.01),
                                    .leakyRelu(slope: 0.2), .elu(alpha: 1), .elu(alpha: 0.5), .gelu, .geluTanh, .softplus, .silu]
}
