/// What ``PipelineRunner/run(statsFile:metricsFile:)`` did: its figures, the error it stopped on, and where
/// its stats file goes.
package struct RunOutcome {
    /// The figures, in total and per input: complete, or counted up to the failure and saying
    /// what was kept and removed.
    package var summary: RunSummary
    /// The error the run stopped on; nil when it completed.
    package var failure: (any Error)?
    /// The stats file (`--stats-json`), once the run's paths passed their check; nil when they
    /// did not, for nothing may be written then (the stats path may be the very file in question).
    package var stats: RunLayout.Destination?
    /// The metrics file (`--metrics-textfile`), likewise.
    package var metrics: RunLayout.Destination?
}
