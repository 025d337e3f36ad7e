import Synchronization

/// Makes transcription calls through a ``Client`` with a default ``TranscriptionConfig`` that
/// each call may replace. Thread-safe.
public final class Transcriber: Sendable {
    public let client: Client
    private let state: Mutex<(config: TranscriptionConfig, progress: ProgressHandler?)>

    public init(client: Client, config: TranscriptionConfig = TranscriptionConfig()) {
        self.client = client
        state = Mutex((config, nil))
    }

    /// The default config of calls that pass none.
    public var config: TranscriptionConfig {
        get { state.withLock { $0.config } }
        set { state.withLock { $0.config = newValue } }
    }

    /// Called during every upload this transcriber makes.
    public var progress: ProgressHandler? {
        get { state.withLock { $0.progress } }
        set { state.withLock { $0.progress = newValue } }
    }

    // MARK: Upload

    /// Uploads audio (streamed in small pieces) and returns the URL to transcribe it from.
    public func upload(_ source: UploadSource) throws(AssemblyAIError) -> String {
        let request = HTTPRequest(method: .post, path: "/v2/upload", body: .upload(source), progress: progress)
        let doc = try client.sendJSON(request, retry: .idempotent)
        guard let url = doc.root["upload_url"]?.string else {
            throw AssemblyAIError(.proto, "the answer to POST /v2/upload has no upload_url")
        }
        return url
    }

    // MARK: Submit, transcribe

    /// Creates a transcript and returns at once with its first state.
    public func submit(audioURL: String, config: TranscriptionConfig? = nil) throws(AssemblyAIError) -> Transcript {
        guard !audioURL.isEmpty else { throw .invalidArgument("audio URL is empty") }
        let config = config ?? self.config
        try config.validate()
        let body = config.requestBody(audioURL: audioURL).serializedBytes()
        let doc = try client.sendJSON(HTTPRequest(method: .post, path: "/v2/transcript", body: .json(body)),
                                      retry: .createOnce)
        return try Transcript(document: doc)
    }

    /// Uploads audio, then creates a transcript for it.
    public func submit(_ source: UploadSource, config: TranscriptionConfig? = nil) throws(AssemblyAIError) -> Transcript {
        try (config ?? self.config).validate()  // before spending an upload on a config the API would refuse
        return try submit(audioURL: try upload(source), config: config)
    }

    /// Creates a transcript and waits until it is completed or failed (see ``wait(id:)``).
    public func transcribe(audioURL: String, config: TranscriptionConfig? = nil) throws(AssemblyAIError) -> Transcript {
        try wait(for: try submit(audioURL: audioURL, config: config))
    }

    /// Uploads audio, creates a transcript and waits for it.
    public func transcribe(_ source: UploadSource, config: TranscriptionConfig? = nil) throws(AssemblyAIError) -> Transcript {
        try wait(for: try submit(source, config: config))
    }

    // MARK: Wait, get, delete

    /// Polls until the transcript is completed (returned) or failed (thrown as
    /// ``ErrorCode/transcriptFailed`` carrying the transcript). A polling deadline that passes
    /// throws ``ErrorCode/timeout`` carrying the transcript as last seen.
    public func wait(id: String) throws(AssemblyAIError) -> Transcript {
        try wait(for: try get(id: id))
    }

    func wait(for first: Transcript) throws(AssemblyAIError) -> Transcript {
        let settings = client.settings
        let deadline = settings.pollingTimeoutMs > 0 ? monotonicMs() + settings.pollingTimeoutMs : nil
        var current = first
        while !current.status.isFinal {
            let now = monotonicMs()
            if let deadline, now >= deadline {
                throw AssemblyAIError(.timeout,
                    "transcript \(current.id) still \(current.statusText ?? "pending") after the polling timeout of \(settings.pollingTimeoutMs) ms",
                    transcript: current)
            }
            HTTPClient.sleepMs(deadline.map { min(settings.pollingIntervalMs, $0 - now) } ?? settings.pollingIntervalMs)
            do {
                try CancellationToken.checkCurrent("waiting for transcript \(current.id)")
                current = try get(id: current.id)
            } catch {
                // The transcript exists: hand it back with any failure of the wait (a cancelled one
                // too), so its id is never lost (a transcribe call is the only place the caller learns it).
                var e = error
                if e.transcript == nil {
                    e.transcript = current
                    if e.code != .cancelled {
                        e.message = "waiting for transcript \(current.id) (\(current.statusText ?? "pending")) failed: " + e.message
                    }
                }
                throw e
            }
        }
        if current.status == .error {
            let text = current.error ?? "unknown error"
            throw AssemblyAIError(.transcriptFailed, "transcript \(current.id) failed: \(text)",
                                  serverText: text, transcript: current)
        }
        return current
    }

    /// Fetches a transcript by id, whatever its status.
    public func get(id: String) throws(AssemblyAIError) -> Transcript {
        guard !id.isEmpty else { throw .invalidArgument("transcript id is empty") }
        let doc = try client.sendJSON(HTTPRequest(method: .get, path: "/v2/transcript/\(escapePathSegment(id))"),
                                      retry: .idempotent)
        return try Transcript(document: doc)
    }

    /// Deletes a transcript's content on the server and returns what the server answers.
    public func delete(id: String) throws(AssemblyAIError) -> Transcript {
        guard !id.isEmpty else { throw .invalidArgument("transcript id is empty") }
        let doc = try client.sendJSON(HTTPRequest(method: .delete, path: "/v2/transcript/\(escapePathSegment(id))"),
                                      retry: .idempotent)
        return try Transcript(document: doc)
    }
}
