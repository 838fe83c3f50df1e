import Foundation

/// The machine's processors.
package enum ProcessorInfo {
    /// The machine's active processors (Foundation's count; it does not narrow to a `taskset`
    /// affinity mask, so pass `--workers` under one).
    package static var activeProcessors: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
