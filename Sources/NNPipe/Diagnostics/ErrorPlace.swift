/// Where a problem is, as error messages begin: `file`, `file:line` or `file:line:column`, with
/// what is known (compiler style, so editors and terminals can jump to it).
enum ErrorPlace {
    static func text(file: String, line: Int? = nil, column: Int? = nil) -> String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return place
    }
}
