/// How a ``PipelineRunner`` runs, beyond what the pipeline file says: the `run` command's options
/// and where its notices go. Given to the runner when it is made.
package struct RunOptions: Sendable {
    /// Whether a run killed outright is continued from its journal (`--resume`; see ``ResumePlanner``).
    package var resume = false
    /// Called with a notice line for the user (a killed run's leftovers removed, nothing to resume).
    package var notice: (@Sendable (String) -> Void)?
    /// Called with a notice of the everyday kind (`--resume` with no journal: the last run ended
    /// well), which `--quiet` hides.
    package var routineNotice: (@Sendable (String) -> Void)?
    /// With an output per input: a failed input's output is removed and the later inputs are still
    /// processed (`--keep-going`); the run's error is the first failure's.
    package var keepGoing = false
    /// An input whose output (and rejects file) exists and is newer than the input and every file
    /// the pipeline reads is skipped (`--skip-existing`).
    package var skipExisting = false
    /// An output made from fewer rows than this fails with status 65 and is not written
    /// (`--min-rows`); nil: any number, none included.
    package var minRows: Int?
    /// Seconds a run waits for another run that is writing the same output (`--wait-lock`); 0:
    /// it stops at once with status 75.
    package var waitLock: Double = 0
    /// Called (on the writer's thread) when an input's last row has been written: its figures
    /// and the output they went to.
    package var inputDone: (@Sendable (InputFigures) -> Void)?

    package init() {}
}
