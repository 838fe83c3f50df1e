import Foundation

/// Whether this machine lets the tests mount a small tmpfs (root with CAP_SYS_ADMIN); probed once.
enum TmpFS {
    static let canMount: Bool = {
        let point = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-tmpfs-probe-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(at: point) }
        guard mount(point.path, size: "64k") else { return false }
        unmount(point.path)
        return true
    }()

    /// Mounts a tmpfs of `size` at `path`; false (with the reason printed) when mount fails.
    static func mount(_ path: String, size: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "mount -t tmpfs -o size=\(size) nnpipe-test \(shellQuoted(path)) 2>&1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return false }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            print("tmpfs tests skipped: mount -t tmpfs failed (\(process.terminationStatus)): \(String(decoding: output, as: UTF8.self))")
        }
        return process.terminationStatus == 0
    }

    static func unmount(_ path: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umount \(shellQuoted(path))"]
        try? process.run()
        process.waitUntilExit()
    }
}
