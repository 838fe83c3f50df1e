import FuzzSupport
@testable import NNPipe

let delimiters: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]

/// The fields of the record the parser last split, copied out.
func fields(_ parser: CSVRecordParser) -> [[UInt8]] {
    (0..<parser.fieldCount).map { Array(parser.field($0)) }
}

/// libFuzzer entry point: ``RecordSplitter`` cuts the input into chunks of records and
/// ``CSVRecordParser`` splits each record into fields, as the reader and its workers do. Input
/// bytes 0–2 pick the read size, the delimiter, and the records per chunk and record size limit.
/// Records take the fast path when they can; there it must agree with libcsv. A second splitter
/// that finds every record one by one must cut the same chunks as the one that cuts plain text
/// at line feeds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 3 else { return 0 }
    let read = readSize(selector: data[0])
    let delimiter = delimiters[Int(data[1]) % delimiters.count]
    let maxRecords = Int(data[2] & 0x1F) + 1
    let maxRecordBytes = data[2] & 0x20 != 0 ? 64 : 1 << 20
    let input = Array(UnsafeBufferPointer(start: data + 3, count: size - 3))
    let splitter = RecordSplitter(source: MemorySource(input, readSize: read), name: "in.csv",
                                  delimiter: delimiter, maxRecordBytes: maxRecordBytes)
    let parser = CSVRecordParser(delimiter: delimiter)
    let reference = CSVRecordParser(delimiter: delimiter)
    let scanner = RecordSplitter(source: MemorySource(input, readSize: read), name: "in.csv",
                                 delimiter: delimiter, maxRecordBytes: maxRecordBytes, cutsAtLineFeeds: false)
    var scannerError: String?
    var scanned: [([UInt8], [Int], [Int])] = []
    do {
        while var chunk = try scanner.nextChunk(maxRecords: maxRecords, maxBytes: maxRecords * 16) {
            chunk.findRecords()
            scanned.append((chunk.bytes, chunk.recordEnds, chunk.recordLines))
        }
    } catch {
        scannerError = "\(error)"
    }
    var cut = 0
    do {
        while var chunk = try splitter.nextChunk(maxRecords: maxRecords, maxBytes: maxRecords * 16) {
            chunk.findRecords()
            require(cut < scanned.count && scanned[cut] == (chunk.bytes, chunk.recordEnds, chunk.recordLines),
                    "chunk \(cut) differs from the record scanner's")
            cut += 1
        }
        require(cut == scanned.count && scannerError == nil, "the record scanner cut \(scanned.count) chunks, then \(scannerError ?? "no error")")
    } catch {
        require(cut == scanned.count && scannerError == "\(error)", "\(error) after \(cut) chunks; the record scanner: \(scannerError ?? "none") after \(scanned.count)")
    }
    let again = RecordSplitter(source: MemorySource(input, readSize: read), name: "in.csv",
                               delimiter: delimiter, maxRecordBytes: maxRecordBytes)
    requireResultOrTypedError("RecordSplitter") {
        var records = 0
        while var chunk = try again.nextChunk(maxRecords: maxRecords) {
            chunk.findRecords()
            require(chunk.count >= 1 && chunk.count <= maxRecords, "a chunk of \(chunk.count) records")
            require(chunk.recordLines.count == chunk.count, "\(chunk.recordLines.count) lines for \(chunk.count) records")
            require(chunk.bytes.count == chunk.recordEnds.last! + RawChunk.padding, "chunk bytes do not end in the padding")
            records += chunk.count
            chunk.bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                for i in 0..<chunk.count {
                    let range = chunk.range(of: i)
                    require(range.lowerBound <= range.upperBound, "record \(i) ends before it starts")
                    do throws(CSVRecordParser.Problem) {
                        try parser.parse(base + range.lowerBound, count: range.count, readableEnd: base + buffer.count)
                    } catch {
                        require(error.field >= 1, "problem in field \(error.field)")
                        continue
                    }
                    var length = range.count
                    if length > 0, base[range.lowerBound + length - 1] == 0x0A { length -= 1 }
                    if length > 0, base[range.lowerBound + length - 1] == 0x0D { length -= 1 }
                    let record = UnsafeBufferPointer(start: base + range.lowerBound, count: length)
                    guard !record.contains(0x22), !record.contains(0x0D) else { continue }
                    let fast = fields(parser)
                    do {
                        try reference.parseWithLibcsv(base + range.lowerBound, count: range.count)
                        require(fields(reference) == fast, "the fast path and libcsv split a record differently: \(Array(record))")
                    } catch {
                        fatalError("libcsv refuses a record the fast path splits: \(Array(record)) (\(error))")
                    }
                }
            }
        }
        _ = records
    }
    return 0
}
