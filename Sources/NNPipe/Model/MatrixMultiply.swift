import Foundation
import Glibc

/// Chooses how a layer multiplies: OpenBLAS's `dgemm` for wide layers when the OpenBLAS library
/// is installed, nnpipe's own kernel (``DenseLayer/matmul``) otherwise. `NNPIPE_BLAS=none` turns
/// OpenBLAS off, so tests hold the two to each other and a user can rule it out.
///
/// OpenBLAS is loaded at run time (`dlopen`), not linked: the binary runs without it, and nnpipe
/// can set `OPENBLAS_CORETYPE` first. OpenBLAS picks its kernels when it loads; builds older than
/// the CPU (Debian 12's 0.3.21 on recent Xeons) fall back to a generic SSE3 kernel, 2× slower
/// than the AVX-512 one measured on the 256-512-256-10 network. nnpipe names the kernel family
/// from CPUID unless the user already set `OPENBLAS_CORETYPE`.
package enum MatrixMultiply {
    /// Layers with at least this many weights go to OpenBLAS: below it, the call's overhead
    /// outweighs the faster kernel. Measured on the 32-64-64-8 network: 4096 (only the 64×64
    /// layer on OpenBLAS) 1.65 s, 1024 1.54 s, 256 (all three) 1.50 s.
    package static let blasThreshold = 256

    /// Units per OpenBLAS product at most: wider layers are multiplied in panels of this many
    /// units (the last one narrower), always the same ones, so a short block's padding costs
    /// `Network.blockRows × panelUnits` values (16 MiB) however wide the layer is. Layers up
    /// to this width are one product, as before.
    package static let panelUnits = 8192

    typealias DGEMM = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
        UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32
    ) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void

    /// OpenBLAS's `cblas_dgemm`, or nil when it is not installed or is turned off.
    static let dgemm: DGEMM? = {
        if ProcessInfo.processInfo.environment["NNPIPE_BLAS"] == "none" { return nil }
        if let family = CPUFeatures.openBLASCoreType { setenv("OPENBLAS_CORETYPE", family, 0) }
        // nnpipe's workers are the parallelism: OpenBLAS must not start threads of its own.
        setenv("OPENBLAS_NUM_THREADS", "1", 0)
        guard let library = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL),
              let gemm = dlsym(library, "cblas_dgemm") else { return nil }
        if let threads = dlsym(library, "openblas_set_num_threads") {
            unsafeBitCast(threads, to: SetThreads.self)(1)
        }
        return unsafeBitCast(gemm, to: DGEMM.self)
    }()

    /// Whether wide layers run on OpenBLAS in this process.
    package static var usesBLAS: Bool { dgemm != nil }

    /// Whether `layer` is wide enough for OpenBLAS (when it is installed).
    static func goesToBLAS(_ layer: DenseLayer) -> Bool { layer.inputs * layer.units >= blasThreshold }

    /// Which kernel wide layers run on, for a run's identity: `openblas-FAMILY` (the
    /// `OPENBLAS_CORETYPE` it runs with) or `own`.
    static var kernelName: String {
        guard usesBLAS else { return "own" }
        return "openblas-" + (ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "auto")
    }

    private static let rowMajor: Int32 = 101, noTranspose: Int32 = 111

    /// `y = x · w` for rows × inputs `x` and inputs × units `w`, all row-major.
    package static func multiply(
        _ x: UnsafePointer<Double>, rows: Int, inputs: Int,
        weights w: UnsafePointer<Double>, units: Int, into y: UnsafeMutablePointer<Double>
    ) {
        if inputs * units >= blasThreshold, let dgemm {
            let block = Network.blockRows
            // OpenBLAS picks kernels (and so summation orders) by the matrix sizes: a row must
            // always go through a product of the same shape, or output would depend on the chunk
            // size. So every block is a product of `block` rows, short ones (the last of a chunk)
            // padded with zero rows, and wide layers are cut into the same panels of at most
            // `panelUnits` units every time, which bounds the padded block's output at
            // `block × panelUnits` values instead of `block × units` (2 KiB per unit).
            let paddedX: UnsafeMutablePointer<Double>? = rows == block ? nil : .allocate(capacity: block * inputs)
            let paddedY: UnsafeMutablePointer<Double>? = rows == block ? nil : .allocate(capacity: block * min(units, panelUnits))
            defer {
                paddedX?.deallocate()
                paddedY?.deallocate()
            }
            if let paddedX {
                paddedX.update(from: x, count: rows * inputs)
                (paddedX + rows * inputs).update(repeating: 0, count: (block - rows) * inputs)
            }
            var first = 0
            while first < units {
                let width = min(panelUnits, units - first)
                if let paddedX, let paddedY {
                    dgemm(rowMajor, noTranspose, noTranspose, Int32(block), Int32(width), Int32(inputs),
                          1.0, paddedX, Int32(inputs), w + first, Int32(units), 0.0, paddedY, Int32(width))
                    for r in 0..<rows { (y + r * units + first).update(from: paddedY + r * width, count: width) }
                } else {
                    dgemm(rowMajor, noTranspose, noTranspose, Int32(block), Int32(width), Int32(inputs),
                          1.0, x, Int32(inputs), w + first, Int32(units), 0.0, y + first, Int32(units))
                }
                first += width
            }
            return
        }
        DenseLayer.matmul(x, rows: rows, inputs: inputs, weights: w, units: units, into: y)
    }
}
