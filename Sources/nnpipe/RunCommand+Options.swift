import NNPipe

extension RunCommand {
    /// The runner's options from the command line.
    var options: RunOptions {
        var options = RunOptions()
        options.inputDone = RunReport.inputDone
        options.resume = resume
        let notice: @Sendable (String) -> Void = { Terminal.message($0, level: .notice) }
        options.notice = notice
        options.routineNotice = quiet ? nil : notice
        options.waitLock = waitLock
        options.keepGoing = keepGoing
        options.skipExisting = skipExisting
        options.minRows = minRows
        return options
    }
}
