/// Every error nnpipe reports to a user: one line of text that says where and what,
/// and the sysexits(3) status the run ends with.
///
/// Each concern has its own error type (``ConfigError``, ``ModelError``, ``InputError``,
/// ``RowError``, ``OutputError``); the executable prints ``message`` and exits with
/// ``exitStatus`` in one place.
package protocol NNPipeError: Error, CustomStringConvertible, Sendable {
    /// The one-line message, starting with the file (and line/column) it concerns.
    var message: String { get }
    /// The process exit status this error ends the run with.
    var exitStatus: ExitStatus { get }
}

extension NNPipeError {
    package var description: String { message }
}

/// Exit statuses, following sysexits(3) where one fits.
///
/// The cases repeat one shape (a documented status each), kept so: a table in one comment would
/// lose each status's own documentation.
package enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The run completed.
    case success = 0
    /// The command line was wrong (EX_USAGE).
    case usage = 64
    /// A row or the input stream was bad (EX_DATAERR).
    case dataError = 65
    /// An input file is missing or unreadable (EX_NOINPUT).
    case noInput = 66
    /// nnpipe itself failed (the Swift runtime stopped on a fatal error, such as memory that
    /// could not be allocated under a low `ulimit -v`) (EX_SOFTWARE).
    case software = 70
    /// The system refused a resource: a thread, or open files past `ulimit -n` (EX_OSERR).
    case osError = 71
    /// An output file cannot be created (EX_CANTCREAT).
    case cannotCreate = 73
    /// Reading or writing failed part way (EX_IOERR).
    case ioError = 74
    /// Another run holds the output's lock: try again later (EX_TEMPFAIL).
    case tempFailure = 75
    /// The pipeline file or a model file is wrong (EX_CONFIG).
    case config = 78
    /// Interrupted by SIGINT (128 + 2).
    case interrupted = 130
    /// The reader of standard output went away (128 + SIGPIPE).
    case brokenPipe = 141
    /// Terminated by SIGTERM (128 + 15).
    case terminated = 143
}

/// A value of an error's location, for structured logs.
package enum ErrorField: Sendable, Equatable {
    case text(String)
    case number(Int)
}

extension NNPipeError {
    /// Where the error is, field by field (`file`, `line`, `field`, `column`, `byte`, `key_path`),
    /// for structured (JSON) logs. Each error type that knows a place says it.
    package var fields: [String: ErrorField] {
        switch self {
        case let error as ConfigError:
            return ErrorField.collect(["file": error.file, "line": error.line, "column": error.column,
                                       "key_path": error.keyPath.isEmpty ? nil : error.keyPath])
        case let error as ModelError:
            return ErrorField.collect(["file": error.file, "line": error.line, "key_path": error.path.isEmpty ? nil : error.path])
        case let error as InputError:
            return ErrorField.collect(["file": error.file, "line": error.line, "byte": error.byteOffset])
        case let error as RowError:
            return ErrorField.collect(["file": error.file, "line": error.line, "field": error.field, "column": error.columnName])
        case let error as TooManyBadRows:
            return error.row.fields.merging(["max_errors": .number(error.limit)]) { $1 }
        case let error as OutputError:
            return ["file": .text(error.file)]
        case let error as RowLimitError:
            return ErrorField.collect(["file": error.inputs.first])
        case let error as PathConflict:
            if case .pipeline(let keyPath, let line, let column) = error.origin, !keyPath.isEmpty {
                return ErrorField.collect(["file": error.file, "line": line, "column": column, "key_path": keyPath])
            }
            return [:]
        default:
            return [:]
        }
    }
}

extension ErrorField {
    /// The given values (strings and integers), without the missing ones.
    static func collect(_ values: [String: Any?]) -> [String: ErrorField] {
        var fields: [String: ErrorField] = [:]
        for (key, value) in values {
            switch value {
            case let text as String: fields[key] = .text(text)
            case let number as Int: fields[key] = .number(number)
            default: break
            }
        }
        return fields
    }
}
