/// Audio to transcribe in a non-blocking call or a group: a URL the API fetches, a local file
/// (uploaded first) or bytes held by the operation itself (so the caller may release its copy
/// as soon as the call returns).
public enum AudioInput: Sendable, Equatable {
    case url(String)
    case file(path: String)
    case bytes([UInt8])

    /// A URL when the text starts with `http://` or `https://` (any case), a local path
    /// otherwise: how the official SDKs tell the two apart.
    public init(urlOrPath text: String) {
        let lower = text.prefix(8).lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            self = .url(text)
        } else {
            self = .file(path: text)
        }
    }

    /// How messages name this audio.
    var label: String {
        switch self {
        case .url(let url): return url
        case .file(let path): return path
        case .bytes(let bytes): return "\(bytes.count) bytes from memory"
        }
    }
}

extension Transcriber {
    /// Submits audio on the calling thread: uploads a file or bytes first, then creates the
    /// transcript (one step of an operation on the worker pool).
    func submit(_ audio: AudioInput, config: TranscriptionConfig) throws(AssemblyAIError) -> Transcript {
        switch audio {
        case .url(let url):
            return try submit(audioURL: url, config: config)
        case .file(let path):
            return try submit(UploadSource.file(path: path), config: config)
        case .bytes(let bytes):
            guard !bytes.isEmpty else { throw AssemblyAIError(.invalidArgument, "data is empty (size 0)") }
            let outcome: Result<Transcript, AssemblyAIError> = bytes.withUnsafeBytes { buffer in
                do throws(AssemblyAIError) { return .success(try submit(UploadSource.memory(buffer), config: config)) } catch { return .failure(error) }
            }
            return try outcome.get()
        }
    }
}
