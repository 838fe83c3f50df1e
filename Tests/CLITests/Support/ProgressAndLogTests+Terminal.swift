import Foundation

extension ProgressAndLogTests {
    /// Whether util-linux's `script` is here to give a run a pseudo-terminal.
    static let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")
    /// What the progress line writes to clear itself: carriage return, erase to the end of line.
    static let clearLine = "\r\u{1B}[K"
}
