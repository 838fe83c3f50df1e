import Foundation
import Glibc
import Testing
@testable import NNPipe

/// Activations at the extremes. The golden files (scripts/make_golden.py) check every activation
/// against numpy on ordinary and large inputs through the CLI; these pin the edge values.
@Suite("activations")
struct ActivationTests {
    func apply(_ activation: Activation, _ values: [Double]) -> [Double] {
        var row = values
        row.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, count: $0.count) }
        return row
    }

    @Test("elementwise activations at ±1000, ±1e-300 and 0")
    func extremes() {
        let x: [Double] = [-1000, -1e-300, 0, 1e-300, 1000]
        #expect(apply(.sigmoid, x) == [0, 0.5, 0.5, 0.5, 1])
        #expect(apply(.tanh, x) == [-1, -1e-300, 0, 1e-300, 1])
        #expect(apply(.relu, x) == [0, 0, 0, 1e-300, 1000])
        #expect(apply(.leakyRelu(slope: 0.2), x) == [-200, -2e-301, 0, 1e-300, 1000])
        #expect(apply(.elu(alpha: 0.5), x) == [-0.5, -5e-301, 0, 1e-300, 1000])
        #expect(apply(.gelu, x) == [-0.0, -5e-301, 0, 5e-301, 1000])
        #expect(apply(.geluTanh, x) == [-0.0, -5e-301, 0, 5e-301, 1000])
        #expect(apply(.softplus, x) == [0, log(2), log(2), log(2), 1000])
        #expect(apply(.softplusExact, x) == [0, log(2), log(2), log(2), 1000])
        #expect(apply(.silu, x) == [-0.0, -5e-301, 0, 5e-301, 1000])
        for activation in Self.all {
            #expect(!apply(activation, x).contains { $0.isNaN }, "\(activation) gives no NaN at ±1000")
        }
    }

    #if arch(x86_64)
    /// x/2·(1 + tanh(z)) loses digits where tanh(z) nears -1 (numpy's result is off by 2e-12
    /// relative at -4, 1e-6 at -6, wholly below -10); nnpipe's gelu_tanh must not. The reference
    /// is the same function in Float80, written without the cancellation: x/(1 + e^(-2z)).
    @Test("gelu_tanh keeps its digits for negative inputs: within 5e-14 relative from -10 to 6")
    func geluTanhWithoutCancellation() {
        let xs = stride(from: -10.0, through: 6.0, by: 0.0625).map { $0 + 0.001 }
        let computed = apply(.geluTanh, xs)
        for (x, value) in zip(xs, computed) {
            let wide = Float80(x)
            let z = Float80(0.7978845608028654) * (wide + Float80(0.044715) * wide * wide * wide)
            let reference = Double(wide / (1 + Glibc.exp(-2 * z)))
            #expect(abs(value - reference) <= 5e-14 * abs(reference), "x = \(x): \(value), reference \(reference)")
        }
    }
    #endif

    @Test("softmax and log_softmax of rows with huge values stay finite")
    func rowActivations() {
        #expect(apply(.softmax, [1000, 1000, -1000]) == [0.5, 0.5, 0])
        let logs = apply(.logSoftmax, [1000, 1000, -1000])
        #expect(logs[0] == -log(2) && logs[1] == -log(2) && logs[2] == -2000 - log(2))
        #expect(apply(.logSoftmax, [-1e-300, 1e-300]) == [-log(2), -log(2)])
    }

    @Test("NaN propagates: an element stays NaN, a softmax row becomes NaN")
    func nanPropagates() {
        for activation in Self.all where activation != .softmax && activation != .logSoftmax {
            #expect(apply(activation, [.nan, 1])[0].isNaN, "\(activation)")
        }
        #expect(apply(.softmax, [.nan, 1, 2]).allSatisfy { $0.isNaN })
        #expect(apply(.logSoftmax, [1, .nan]).allSatisfy { $0.isNaN })
    }

    @Test("names and parameters read back")
    func names() {
        for activation in Self.all { #expect(Activation.named(activation.name) == activation) }
        #expect(Activation.named("leaky_relu") == .leakyRelu(slope: 0.01))
        #expect(Activation.named("ELU(0.25)") == .elu(alpha: 0.25))
        #expect(Activation.named("linear") == .identity)
        #expect(Activation.named("relu(2)") == nil)
        #expect(Activation.named("elu(x)") == nil)
        #expect(Activation.named("swishy") == nil)
    }

    @Test("softplus is PyTorch's (x above 20); softplus_exact is numpy's logaddexp(0, x) everywhere")
    func softplusForms() {
        // log1p(e^-21) = 7.58e-10 above x itself: PyTorch drops it, numpy, Keras, jax and ONNX keep it.
        #expect(apply(.softplus, [21]) == [21])
        #expect(apply(.softplusExact, [21]) == [21 + log1p(exp(-21))])
        #expect(apply(.softplusExact, [-21, 20, 800, -800]) == [log1p(exp(-21)), 20 + log1p(exp(-20)), 800, 0])
        #expect(apply(.softplusExact, [.nan])[0].isNaN)
        #expect(Activation.named("softplus_exact") == .softplusExact && Activation.softplusExact.name == "softplus_exact")
        #expect(Activation.named("softplus") == .softplus)
    }
}
