import Foundation
import Glibc

/// Device nodes in the test's own folder (mknod needs root, and a folder not mounted nodev).
enum DeviceNodes {
    static let canMake: Bool = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-mknod-probe-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = dir.appendingPathComponent("null").path
        guard (try? Shell.run("mknod -m 666 null c 1 3 2>/dev/null && echo probe > null", in: dir)) != nil else { return false }
        return isCharacterDevice(node)
    }()

    static func isCharacterDevice(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR
    }
}
