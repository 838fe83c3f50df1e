import Glibc

/// The temporary outputs not yet renamed into place, so a signal handler can remove them before
/// the process exits.
public enum TemporaryFiles {
    private static let paths = Locked<Set<String>>([])

    static func register(_ path: String) { paths.withLock { _ = $0.insert(path) } }
    static func unregister(_ path: String) { paths.withLock { _ = $0.remove(path) } }

    /// Removes every registered temporary file (called when the run is interrupted).
    public static func removeAll() {
        paths.withLock { set in
            for path in set { unlink(path) }
            set.removeAll()
        }
    }
}
