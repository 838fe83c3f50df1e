import Glibc

/// Standard input, output and error as nnpipe found them at start.
package enum StandardStreams {
    /// The standard descriptors that were closed when nnpipe started (`>&-`, `<&-`).
    package nonisolated(unsafe) private(set) static var closed: Set<Int32> = []

    /// Notes which of descriptors 0, 1 and 2 are closed, and opens /dev/null on each, so that no
    /// file nnpipe opens later takes its number and is mistaken for a standard stream. Called
    /// once, first thing, before any other thread starts.
    package static func occupyClosed() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            closed.insert(descriptor)
            _ = open("/dev/null", O_RDWR)  // the lowest free number: this one
        }
    }

    /// `standard output`, for messages.
    package static func name(_ descriptor: Int32) -> String {
        switch descriptor {
        case 0: "standard input"
        case 1: "standard output"
        case 2: "standard error"
        default: "descriptor \(descriptor)"
        }
    }
}
