/// The names of the files nnpipe keeps beside an output: its temporary files
/// (`.BASE.nnpipe-PID-XXXXXX`), its resume journal (`.BASE.nnpipe-journal`, written first as
/// `.BASE.nnpipe-PID-journal`) and its lock (`.BASE.nnpipe-lock`).
///
/// `BASE` is the output's file name, unless that would make the longest of these names longer
/// than a file name may be (255 bytes): then it is the name's first bytes, a `~` and a hash of
/// the whole name, so that any output name a folder can hold has its temporary file, journal and
/// lock (and two long names alike in their first 214 bytes still have names of their own).
enum SideFileName {
    /// The most bytes a file name may have (NAME_MAX on Linux file systems).
    static let maximumNameBytes = 255
    /// The most bytes the side names add to `BASE`: `.` before it and `.nnpipe-PID-journal` after
    /// it, with a process id of up to 7 digits (pid_max is at most 4194304).
    static let addedBytes = 1 + ".nnpipe-".utf8.count + 7 + "-journal".utf8.count

    /// `BASE` for the output file named `base` (a name, without a folder).
    static func stem(of base: String) -> String {
        guard base.utf8.count + addedBytes > maximumNameBytes else { return base }
        var hash = Fnv64()
        Array(base.utf8).withUnsafeBufferPointer { hash.add($0) }
        let tag = "~" + String(hash.value, radix: 16).leftPadded(to: 16)
        let room = maximumNameBytes - addedBytes - tag.utf8.count
        // Cut at a character's start, so the name stays valid UTF-8 where it was.
        var kept = Substring(base)
        while kept.utf8.count > room { kept = kept.dropLast() }
        return kept + tag
    }

    /// `FOLDER/.BASE` + `suffix` for the output `target` (a resolved, absolute path).
    static func path(beside target: String, suffix: String) -> String {
        guard let slash = target.lastIndex(of: "/") else { return "." + stem(of: target) + suffix }
        let folder = slash == target.startIndex ? "/" : String(target[..<slash])
        return "\(folder)/.\(stem(of: String(target[target.index(after: slash)...])))\(suffix)"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
