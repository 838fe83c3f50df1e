import CHDF5
import Foundation
import Glibc

/// An HDF5 file held in memory (Keras' `model.weights.h5`, from a `.keras` ZIP or a
/// `.weights.h5` file), whose float datasets are read by path as float64 ``Tensor``s.
///
/// libhdf5 is loaded on first use (``library``), not linked: a binary that never reads a Keras
/// file runs without it installed, and one that does names the package to install. The file is
/// opened from its bytes with HDF5's in-memory ("core") driver, so nothing is written to disk.
/// libhdf5 as Debian builds it is not thread-safe: every call runs under ``lock``.
final class HDF5File {
    /// libhdf5's functions, or why they could not be loaded.
    private static let library: Result<Functions, ModelError> = load()
    /// Serialises every call into libhdf5 (Debian's serial build has no locks of its own).
    private static let lock = NSLock()

    /// The shared-library names tried, newest first: Debian and Ubuntu ship HDF5 1.14 as
    /// `libhdf5_serial.so.310` and 1.10 as `.so.103`; other systems name it `libhdf5.so`.
    static let libraryNames = ["libhdf5_serial.so.310", "libhdf5_serial.so.103", "libhdf5.so.310", "libhdf5.so.103",
                               "libhdf5_serial.so", "libhdf5.so"]

    /// What to install when libhdf5 is missing.
    static let installHint = "install HDF5's library (Debian and Ubuntu: apt-get install libhdf5-dev, or only the library, libhdf5-103-1 or libhdf5-310)"

    private let api: CHDF5_api
    private let file: hid_t

    /// The loaded library's function pointers and the addresses of two of its global ids: set
    /// once when the library is loaded and never written after, so shared between threads
    /// (calls through them are serialised by ``lock``).
    private struct Functions: @unchecked Sendable {
        let api: CHDF5_api
    }

    private static func load() -> Result<Functions, ModelError> {
        var reasons: [String] = []
        for name in libraryNames {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                if let reason = dlerror() { reasons.append(String(cString: reason)) }
                continue
            }
            var api = CHDF5_api()
            if let missing = CHDF5_resolve(handle, &api) {
                return .failure(ModelError("\(name) lacks \(String(cString: missing)); reading a Keras file needs HDF5 1.10 or later: \(installHint)"))
            }
            guard let open = api.H5open, let setAuto = api.H5Eset_auto2, open() >= 0 else {
                return .failure(ModelError("\(name) did not start (H5open failed)"))
            }
            // Errors are reported by nnpipe, not printed by HDF5 on stderr.
            _ = setAuto(0, nil, nil)
            return .success(Functions(api: api))
        }
        // A library that is there but does not load says why; otherwise the names tried.
        let broken = reasons.last { !$0.contains("No such file") }
        let tried = broken ?? "none of " + libraryNames.joined(separator: ", ") + " was found"
        return .failure(ModelError("reading a Keras file needs the HDF5 library, which could not be loaded (\(tried)): \(installHint)"))
    }

    /// Opens the HDF5 file `bytes` (copied by HDF5 into its own buffer); `what` names it in messages.
    init(_ bytes: UnsafeRawBufferPointer, what: String) throws(ModelError) {
        let api = try Self.library.get().api
        self.api = api
        Self.lock.lock()
        defer { Self.lock.unlock() }
        guard let create = api.H5Pcreate, let close = api.H5Pclose, let core = api.H5Pset_fapl_core,
              let image = api.H5Pset_file_image, let open = api.H5Fopen else { throw ModelError("libhdf5 is incomplete") }
        let access = create(api.file_access_class.pointee)
        guard access >= 0 else { throw ModelError("libhdf5 could not make a file access list for \(what)") }
        defer { _ = close(access) }
        guard core(access, 64 * 1024, false) >= 0, image(access, UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) >= 0 else {
            throw ModelError("libhdf5 could not take \(what) (\(bytes.count) bytes) into memory")
        }
        let file = open("in-memory", 0 /* H5F_ACC_RDONLY */, access)
        guard file >= 0 else { throw ModelError("\(what) is not an HDF5 file libhdf5 opens: damaged or truncated?") }
        self.file = file
    }

    deinit {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        _ = api.H5Fclose?(file)
    }

    /// Whether `path` (`layers/dense/vars/0`) names an object in the file.
    func contains(_ path: String) -> Bool {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        guard let exists = api.H5Lexists else { return false }
        // H5Lexists fails on a path whose parent is missing: each step is checked.
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + part
            guard exists(file, prefix, 0) > 0 else { return false }
        }
        return true
    }

    /// The float dataset at `path` as a float64 tensor named `path` (float32 values convert
    /// exactly); its declared size is checked against the memory limit before it is read.
    func tensor(_ path: String) throws(ModelError) -> Tensor {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        guard let openSet = api.H5Dopen2, let closeSet = api.H5Dclose, let space = api.H5Dget_space,
              let rank = api.H5Sget_simple_extent_ndims, let dims = api.H5Sget_simple_extent_dims, let closeSpace = api.H5Sclose,
              let type = api.H5Dget_type, let typeClass = api.H5Tget_class, let typeSize = api.H5Tget_size,
              let closeType = api.H5Tclose, let read = api.H5Dread else { throw ModelError("libhdf5 is incomplete") }
        let set = openSet(file, path, 0)
        guard set >= 0 else { throw ModelError("HDF5 dataset '\(path)' is missing or not a dataset") }
        defer { _ = closeSet(set) }
        let spaceID = space(set)
        guard spaceID >= 0 else { throw ModelError("HDF5 dataset '\(path)' has no readable shape") }
        defer { _ = closeSpace(spaceID) }
        let count = Int(rank(spaceID))
        guard (0...32).contains(count) else { throw ModelError("HDF5 dataset '\(path)' has no readable shape") }
        var extent = [hsize_t](repeating: 0, count: max(count, 1))
        guard dims(spaceID, &extent, nil) >= 0 else { throw ModelError("HDF5 dataset '\(path)' has no readable shape") }
        let shape = extent.prefix(count).map { Int(clamping: $0) }
        let typeID = type(set)
        guard typeID >= 0 else { throw ModelError("HDF5 dataset '\(path)' has no readable type") }
        defer { _ = closeType(typeID) }
        let bits = typeSize(typeID) * 8
        let dtype = typeClass(typeID).rawValue == CHDF5_float_class() ? "float\(bits)" : "HDF5 type class \(typeClass(typeID).rawValue), \(bits) bits"
        guard typeClass(typeID).rawValue == CHDF5_float_class() else {
            return Tensor(name: path, shape: shape, dtype: dtype, unusable: "HDF5 dataset '\(path)' holds \(dtype) values, not floats")
        }
        let elements = try ShapeArithmetic.elementCount(shape, what: "HDF5 dataset '\(path)'")
        if let error = MemoryLimit.modelError(allocating: elements.multipliedReportingOverflow(by: 8).partialValue, for: "HDF5 dataset '\(path)'") {
            throw error
        }
        var values = [Double](repeating: 0, count: elements)
        let status = values.withUnsafeMutableBytes { read(set, api.native_double.pointee, 0, 0, 0, $0.baseAddress) }
        guard status >= 0 else { throw ModelError("HDF5 dataset '\(path)' could not be read as float64: damaged?") }
        return Tensor(name: path, shape: shape, dtype: dtype, values: values)
    }
}
