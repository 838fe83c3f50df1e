import Foundation

/// Set by scripts/test.sh for its ThreadSanitizer run: there the threaded suites take fewer shapes
/// and rounds (the race detector needs each path between threads taken, not taken many times; the
/// main run keeps every case).
let runsSanitized = ProcessInfo.processInfo.environment["NNPIPE_SANITIZED"] != nil
