/// Where a setting came from: a key of the pipeline file, or a command-line option.
public enum SettingOrigin: Sendable, Equatable {
    case pipeline(keyPath: String, line: Int?, column: Int?)
    case commandLine(String)
}

/// A file a pipeline names, what it is for (`model file`), and where it was named.
public struct SettingFile: Sendable {
    public var path: String
    public var role: String
    public var origin: SettingOrigin
}
