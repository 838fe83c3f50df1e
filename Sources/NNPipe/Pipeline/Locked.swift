import Foundation

/// A value behind a lock, for the little state worker threads share.
///
/// An `NSLock` (a pthread mutex) rather than the Synchronization module's `Mutex`: on Linux that
/// one waits on futexes ThreadSanitizer cannot see, so every use was reported as a race; with a
/// pthread mutex the test suite runs clean under `--sanitize=thread`.
final class Locked<Value>: @unchecked Sendable {
    // Unchecked: `value` is only touched inside `withLock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
