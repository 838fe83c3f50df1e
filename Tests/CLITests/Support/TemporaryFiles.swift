/// Names of temporary output files (`.NAME.nnpipe-XXXXXX`) in `names`.
func temporaryFiles(_ names: [String]) -> [String] { names.filter { $0.hasPrefix(".") && $0.contains(".nnpipe-") } }
