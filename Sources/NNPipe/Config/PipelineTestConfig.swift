/// A self-test from the pipeline file's `tests:` section: feature rows and the activations the
/// pipeline must give for them (run by `nnpipe test`).
public struct PipelineTestConfig: Sendable {
    public var name: String
    /// Feature values, one row per entry, in `read.features` order: rows × features.
    public var rows: [[Double]]
    /// The values expected in each row's written columns (after the carried ones): rows × columns.
    public var expect: [[ExpectedValue]]
    public var tolerance: Tolerance
    /// Where the test is written, for messages (`tests[1]`).
    public var keyPath: String
    public var line: Int?
}

/// How far a value may be from the one expected: |got − expected| ≤ absolute + relative·|expected|
/// (numpy's `isclose` rule).
public struct Tolerance: Sendable, Equatable {
    public var absolute: Double
    public var relative: Double

    /// The default, 1e-9 absolute and 1e-9 relative: far above float64 rounding noise (about
    /// 1e-16 relative) and far below any real change in a model.
    public static let standard = Tolerance(absolute: 1e-9, relative: 1e-9)

    public init(absolute: Double, relative: Double) {
        self.absolute = absolute
        self.relative = relative
    }

    /// The largest difference allowed from `expected`.
    public func bound(for expected: Double) -> Double { absolute + relative * abs(expected) }

    /// Whether `got` is close enough to `expected` (never when either is NaN).
    public func allows(_ got: Double, expected: Double) -> Bool { abs(got - expected) <= bound(for: expected) }
}

/// One expected value: a number, compared within the test's tolerance, or a text (a class label,
/// or any value written in quotes), compared exactly.
public enum ExpectedValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)

    public var description: String {
        switch self {
        case .number(let value): "\(value)"
        case .text(let text): "\"\(text)\""
        }
    }
}
