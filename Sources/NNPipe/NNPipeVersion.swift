/// nnpipe's version, in one place: `nnpipe --version` prints it.
public enum NNPipeVersion {
    /// The release this source tree is.
    public static let current = "0.10.0"
}
