#!/usr/bin/env bash
# Installs what nnpipe needs on Debian or Ubuntu: libcsv, zlib, ISA-L, zstd and HDF5 headers (HDF5's
# library is loaded at run time, only to read Keras files), the zstd
# command (the tests check .zst output with it), OpenBLAS, and Debian's Python with prometheus_client
# (the tests read --metrics-textfile with Prometheus' own parser).
# ISA-L and OpenBLAS are fast paths: `swift build --disable-default-traits` builds without ISA-L,
# and without OpenBLAS installed nnpipe multiplies with its own kernel.
# Swift 6 itself must already be installed (swift.org/install). Safe to run again.
set -euo pipefail
missing=()
for package in libcsv-dev zlib1g-dev libisal-dev libzstd-dev libhdf5-dev zstd libopenblas0 python3-prometheus-client; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    $sudo apt-get install -y "${missing[@]}"
fi
command -v swift >/dev/null || { echo "setup: swift not found; install Swift 6 first" >&2; exit 1; }
