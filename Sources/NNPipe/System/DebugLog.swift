/// Lines for `--log-level debug`: how a run went inside, such as a gzip file inflated in parts on
/// several threads or handed to one decoder, and why. The command line routes them once; until
/// then (and in tests) they are dropped.
package enum DebugLog {
    private static let sink = Locked<(@Sendable (String) -> Void)?>(nil)

    /// Sends later lines to `sink` (nil: drops them).
    package static func route(to sink: (@Sendable (String) -> Void)?) {
        Self.sink.withLock { $0 = sink }
    }

    /// Writes `line` where lines are routed; `line` is not made when they are dropped.
    static func write(_ line: @autoclosure () -> String) {
        guard let sink = sink.withLock({ $0 }) else { return }
        sink(line())
    }
}
