import Foundation

/// Reads ONNX external data: tensor bytes kept in a file beside the model (`torch.onnx.export`
/// writes `model.onnx.data` for every tensor of 1 KB or more), named by the tensor's
/// `external_data` entries `location` (a path relative to the model's folder), `offset` and
/// `length`, as the ONNX spec defines them.
///
/// The path must stay inside the model's folder: absolute paths, `..` and symbolic links that
/// lead out are refused, and the bytes a tensor names must lie inside the file.
struct OnnxExternalData {
    /// The model file's folder, or nil when the model came from bytes alone.
    let directory: String?
    /// Opened data files by location, read a tensor at a time.
    private var handles: [String: (handle: FileHandle, size: UInt64)] = [:]
    /// The data files opened, as resolved paths: a run must never write to them.
    private(set) var files: [String] = []

    init(directory: String?) {
        self.directory = directory
    }

    /// The `size` bytes of tensor `name`'s data, as its `external_data` `entries` locate them.
    mutating func bytes(for name: String, entries: [String: String], size: Int) throws(ModelError) -> Data {
        let what = "ONNX tensor '\(name)' keeps its data in an external file"
        guard let location = entries["location"], !location.isEmpty else {
            throw ModelError("\(what) but names none (no external_data location)")
        }
        let offset = try number(entries["offset"], key: "offset", what: what) ?? 0
        let length = try number(entries["length"], key: "length", what: what) ?? UInt64(size)
        guard length == UInt64(size) else {
            throw ModelError("\(what) ('\(location)'): its length is \(length) bytes but its shape and type need \(size)")
        }
        let file = try open(location, what: what)
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, end <= file.size else {
            throw ModelError("\(what) ('\(location)'), bytes \(offset)..<\(offset &+ length), but that file has \(file.size) bytes: truncated, or not the data file written with this model")
        }
        do {
            try file.handle.seek(toOffset: offset)
            let data = try file.handle.read(upToCount: size) ?? Data()
            guard data.count == size else {
                throw ModelError("\(what) ('\(location)'): read \(data.count) of \(size) bytes at offset \(offset)")
            }
            return data
        } catch let problem as ModelError {
            throw problem
        } catch {
            throw ModelError("\(what) ('\(location)') that cannot be read: \(error.localizedDescription)")
        }
    }

    private func number(_ text: String?, key: String, what: String) throws(ModelError) -> UInt64? {
        guard let text else { return nil }
        guard let value = UInt64(text) else { throw ModelError("\(what) with \(key) '\(text)', which is not a byte count") }
        return value
    }

    /// Opens `location` after checking that it stays inside the model's folder.
    private mutating func open(_ location: String, what: String) throws(ModelError) -> (handle: FileHandle, size: UInt64) {
        if let open = handles[location] { return open }
        guard let directory else {
            throw ModelError("\(what) ('\(location)'), but the model's folder is unknown; load it from a file")
        }
        let parts = location.split(separator: "/", omittingEmptySubsequences: false)
        guard !location.hasPrefix("/"), !location.contains("\0"), !location.contains("\\"), !parts.contains("..") else {
            throw ModelError("\(what) at '\(location)', outside the model's folder; nnpipe reads external data only from files beside the model (a relative path without '..')")
        }
        let folder = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        let path = URL(fileURLWithPath: directory).appendingPathComponent(location).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelError("\(what) '\(location)', which is not there (looked for \(path)); copy it beside the model, or export with the weights inside the model (torch.onnx.export(..., external_data=False))")
        }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard resolved.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            throw ModelError("\(what) '\(location)', a link that leads outside the model's folder (to \(resolved)); nnpipe reads external data only from files inside it")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue,
              let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
              (attributes[.type] as? FileAttributeType) == .typeRegular,
              let size = (attributes[.size] as? NSNumber)?.uint64Value,
              let handle = FileHandle(forReadingAtPath: resolved) else {
            throw ModelError("\(what) '\(location)', which is not a readable regular file")
        }
        handles[location] = (handle, size)
        files.append(resolved)
        return (handle, size)
    }
}
