/// A self-test from the pipeline file's `tests:` section: feature rows and the activations the
/// pipeline must give for them (run by `nnpipe test`).
package struct PipelineTestConfig: Sendable {
    package var name: String
    /// Feature values, one row per entry, in `read.features` order: rows × features.
    package var rows: [[Double]]
    /// The values expected in each row's written columns (after the carried ones): rows × columns.
    package var expect: [[ExpectedValue]]
    package var tolerance: Tolerance
    /// Where the test is written, for messages (`tests[1]`).
    package var keyPath: String
    package var line: Int?
}

/// How far a value may be from the one expected: |got − expected| ≤ absolute + relative·|expected|
/// (numpy's `isclose` rule).
package struct Tolerance: Sendable, Equatable {
    package var absolute: Double
    package var relative: Double

    /// The default, 1e-9 absolute and 1e-9 relative: far above float64 rounding noise (about
    /// 1e-16 relative) and far below any real change in a model.
    package static let standard = Tolerance(absolute: 1e-9, relative: 1e-9)

    package init(absolute: Double, relative: Double) {
        self.absolute = absolute
        self.relative = relative
    }

    /// The largest difference allowed from `expected`.
    package func bound(for expected: Double) -> Double { absolute + relative * abs(expected) }

    /// Whether `got` is close enough to `expected` (never when either is NaN).
    package func allows(_ got: Double, expected: Double) -> Bool { abs(got - expected) <= bound(for: expected) }
}

/// One expected value: a number, compared within the test's tolerance, or a text (a class label,
/// or any value written in quotes), compared exactly.
package enum ExpectedValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)

    package var description: String {
        switch self {
        case .number(let value): "\(value)"
        case .text(let text): "\"\(text)\""
        }
    }
}
