/// nnpipe's version, in one place: `nnpipe --version` prints it.
package enum NNPipeVersion {
    /// The release this source tree is.
    package static let current = "0.11.0"
}
