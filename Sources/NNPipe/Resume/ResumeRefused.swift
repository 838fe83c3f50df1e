/// `--resume` refused: the journal belongs to a run that differs from this one, or another
/// process is writing the output now. Status 78 (EX_CONFIG).
package struct ResumeRefused: NNPipeError {
    /// The output, as the user named it.
    package var file: String
    package var problem: String

    package var message: String { "\(file): cannot resume: \(problem)" }
    package var exitStatus: ExitStatus { .config }
}
