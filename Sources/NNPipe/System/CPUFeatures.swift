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

    /// Whether the CPU has AVX with its state saved by the OS, asked once.
    static let hasAVX = CCPU_has_avx() != 0

    /// Whether the CPU has AVX2 with its state saved by the OS, asked once.
    static let hasAVX2 = CCPU_has_avx2() != 0

    /// The vector unit `CCPU_cut_at_line_feed` uses: 2 AVX2, else 1 SSE2 (every x86-64; a
    /// processor without it scans a line at a time whatever this says).
    static let lineCutVector: Int32 = hasAVX2 ? 2 : 1

    /// Marks the upper halves of the vector registers clean after AVX code (ISA-L's): the SSE
    /// code Swift emits and libm's AVX code then mix without transition penalties (4× slower
    /// sigmoid layers, measured, when they do not).
    static func clearUpperVectorState() {
        if hasAVX { CCPU_vzeroupper() }
    }
}
