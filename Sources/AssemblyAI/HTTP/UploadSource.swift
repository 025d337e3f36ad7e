import Glibc

/// Where the bytes of an upload come from. Every source is read in small pieces, so an upload
/// never holds the whole file in memory.
public enum UploadSource: @unchecked Sendable {
    /// A local file, opened anew (and so read from its start) on every attempt.
    case file(path: String)
    /// Bytes in memory, borrowed for the duration of the call (never copied).
    case memory(UnsafeRawBufferPointer)
    /// A stream read through a closure that fills the buffer and returns the count read,
    /// 0 at the end, or -1 on an error. It cannot be re-read, so it is retried only when an
    /// attempt failed before reading anything.
    case stream(read: (UnsafeMutableRawBufferPointer) -> Int, totalSize: UInt64?)

    /// The total size in bytes when it is known in advance.
    func knownSize() throws(AssemblyAIError) -> UInt64? {
        switch self {
        case .file(let path):
            var st = stat()
            guard stat(path, &st) == 0 else { throw UploadSource.openError(path) }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                throw AssemblyAIError(.io, "cannot upload '\(path)': it is a directory")
            }
            return UInt64(st.st_size)
        case .memory(let buffer): return UInt64(buffer.count)
        case .stream(_, let total): return total
        }
    }

    static func openError(_ path: String) -> AssemblyAIError {
        let reason = String(cString: strerror(errno))
        return AssemblyAIError(.io, "cannot read '\(path)': \(reason)")
    }
}

/// Called with (bytes sent, total bytes or 0 when unknown); returns false to cancel.
public typealias ProgressHandler = @Sendable (UInt64, UInt64) -> Bool

/// The reading side of one upload attempt: an open file, a position in memory, or a stream.
final class UploadReader {
    private let source: UploadSource
    private var fd: Int32 = -1
    private var offset = 0
    private(set) var bytesRead: UInt64 = 0
    private(set) var failure: AssemblyAIError?
    /// The length announced in Content-Length. libcurl stops asking once that many bytes went
    /// out, so a source longer than announced would be cut silently, and a shorter one would
    /// leave the server waiting: both are errors, caught here.
    private let expected: UInt64?

    init(_ source: UploadSource, expectedSize: UInt64?) throws(AssemblyAIError) {
        self.source = source
        self.expected = expectedSize
        if case .file(let path) = source {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw UploadSource.openError(path) }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Fills `buffer`; returns the count, 0 at the end, or nil on an error (kept in `failure`).
    func read(into whole: UnsafeMutableRawBufferPointer) -> Int? {
        // With a known length, never hand libcurl more than remains of it; once it is all read,
        // one more byte from the source means the source is longer than announced.
        var buffer = whole
        if let expected {
            let left = expected - min(expected, bytesRead)
            if left < UInt64(whole.count) { buffer = UnsafeMutableRawBufferPointer(rebasing: whole[..<Int(left)]) }
        }
        guard let n = readSource(into: buffer) else { return nil }
        bytesRead += UInt64(n)
        guard let expected else { return n }
        if n == 0 && bytesRead < expected {
            failure = AssemblyAIError(.invalidArgument, "the upload source ended after \(bytesRead) of the \(expected) bytes announced (\(sourceKind))")
            return nil
        }
        if n > 0 && bytesRead == expected {
            var probe: UInt8 = 0
            guard let more = withUnsafeMutableBytes(of: &probe, { readSource(into: $0) }) else { return nil }
            if more > 0 {
                failure = AssemblyAIError(.invalidArgument, "the upload source has more than the \(expected) bytes announced (\(sourceKind))")
                return nil
            }
        }
        return n
    }

    /// One read from the source: the count (0 at its end), or nil on an error (kept in `failure`).
    private func readSource(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        if buffer.count == 0 { return 0 }
        let n: Int
        switch source {
        case .file(let path):
            var r: Int
            repeat { r = Glibc.read(fd, buffer.baseAddress, buffer.count) } while r < 0 && errno == EINTR
            if r < 0 { failure = UploadSource.openError(path); return nil }
            n = r
        case .memory(let bytes):
            n = min(buffer.count, bytes.count - offset)
            if n > 0, let src = bytes.baseAddress {
                buffer.baseAddress?.copyMemory(from: src + offset, byteCount: n)
            }
            offset += n
        case .stream(let read, _):
            let r = read(buffer)
            if r < 0 || r > buffer.count {
                failure = AssemblyAIError(.io, "the upload stream's read callback reported an error")
                return nil
            }
            n = r
        }
        return n
    }

    private var sourceKind: String {
        switch source {
        case .file(let path): return "the file '\(path)' changed size during the upload"
        case .memory: return "memory"
        case .stream: return "a stream's total_size must be its exact length, or 0 when unknown"
        }
    }

    /// Goes back to `position` (curl asks when it must resend); false when the source cannot.
    func seek(to position: Int64) -> Bool {
        switch source {
        case .file:
            guard lseek(fd, off_t(position), SEEK_SET) == position else { return false }
        case .memory(let bytes):
            guard position >= 0, position <= bytes.count else { return false }
            offset = Int(position)
        case .stream:
            return false
        }
        bytesRead = UInt64(position)
        return true
    }

    /// Whether a failed attempt can be repeated: always for files and memory, and for a stream
    /// only if nothing was taken from it yet.
    var canRestart: Bool {
        if case .stream = source { return bytesRead == 0 }
        return true
    }
}
