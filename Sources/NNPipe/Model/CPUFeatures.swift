import CCPU

/// What the processor offers, as far as nnpipe's choices depend on it.
enum CPUFeatures {
    /// The `OPENBLAS_CORETYPE` for this CPU's best double-precision kernels, or nil to leave the
    /// choice to OpenBLAS.
    static var openBLASCoreType: String? {
        switch CCPU_openblas_kernel_family() {
        case 2: "SkylakeX"
        case 1: "Haswell"
        default: nil
        }
    }
}
