/// Where a setting came from: a key of the pipeline file, or a command-line option.
package enum SettingOrigin: Sendable, Equatable {
    case pipeline(keyPath: String, line: Int?, column: Int?)
    case commandLine(String)
}

/// A file a pipeline names, what it is for (`model file`), and where it was named.
package struct SettingFile: Sendable {
    package var path: String
    package var role: String
    package var origin: SettingOrigin
}
