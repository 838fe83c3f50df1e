import Foundation
import Testing

/// Set by scripts/test.sh for its ThreadSanitizer run.
let runsSanitized = ProcessInfo.processInfo.environment["NNPIPE_SANITIZED"] != nil

extension Trait where Self == TimeLimitTrait {
    /// A bound of `minutes` on a test that could hang, four times that under ThreadSanitizer:
    /// there every nnpipe the test starts runs several times slower, and each test shares the
    /// cores with others (the testing library runs twice as many test cases as cores at once). On
    /// a 2-core machine the sanitized suites took 17 minutes in all, and tests of a few seconds
    /// alone passed 5 minutes there (none hung: they all ended).
    static func bounded(minutes: Int) -> Self { .timeLimit(.minutes(runsSanitized ? 4 * minutes : minutes)) }
}
