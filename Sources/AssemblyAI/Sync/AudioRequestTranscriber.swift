// One request, one transcript: the Sync API and the Dictation API. Every transcription is the
// same request 1.8.2 sends: a chunked multipart POST to /v1/transcribe/live whose config part
// goes first and whose audio follows as it is produced (a whole clip is a stream whose bytes are
// all ready at once).

import Glibc

/// Where the audio of a streamed request comes from: fills the buffer and returns the count,
/// 0 at the end of the audio, or -1 on a failure (`failure` may say why).
protocol AudioByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int
    var failure: AssemblyAIError? { get }
}

/// Audio bytes in memory.
final class MemoryAudioSource: AudioByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var failure: AssemblyAIError? { nil }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(buffer.count, bytes.count - offset)
        if n > 0 { bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) } }
        offset += n
        return n
    }
}

/// Audio from a caller's read function (a pipe, a recorder, a file that is still filling).
final class CallbackAudioSource: AudioByteSource {
    private let reader: (UnsafeMutableRawBufferPointer) -> Int
    private(set) var failure: AssemblyAIError?
    init(_ reader: @escaping (UnsafeMutableRawBufferPointer) -> Int) { self.reader = reader }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = reader(buffer)
        if n < 0 || n > buffer.count {
            failure = AssemblyAIError(.io, "the audio read callback reported an error; the upload was dropped and no transcript is returned")
            return -1
        }
        return n
    }
}

/// The request body: the multipart head (held back until the first audio bytes passed the format
/// check), the audio as it comes (checked against the 120 s limit as it goes), the closing line.
final class MultipartBodyStream {
    private let api: AudioRequestAPI
    private let source: AudioByteSource
    private let format: AudioPartFormat
    private let head: [UInt8]
    private let closing: [UInt8]
    /// Raw PCM's bytes per second (known from the config); WAV's comes from its header.
    private var byteRate: Int?
    private var dataOffset = 0
    /// The data chunk's length as the WAV header states it, when it does.
    private var declaredDataBytes: Int?
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var phase = 0  // 0: checking the start of the audio, 1: audio, 2: closing, 3: done
    private var audioBytes = 0
    private(set) var failure: AssemblyAIError?

    init(api: AudioRequestAPI, source: AudioByteSource, format: AudioPartFormat, config: AudioRequestConfig,
         configJSON: JSONObject, framing: MultipartFraming) {
        self.api = api
        self.source = source
        self.format = format
        head = framing.head(config: configJSON, filename: format.filename, audioContentType: format.contentType)
        closing = framing.closing
        if format.isPCM, let rate = config.sampleRate, let channels = config.channels { byteRate = rate * channels * 2 }
    }

    private func fail(_ error: AssemblyAIError) -> Int {
        failure = error
        return -1
    }

    /// Fills `buffer` for libcurl: the count, 0 at the end of the body, -1 to abort the request.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if failure != nil { return -1 }
        if pendingOffset < pending.count {
            let n = min(buffer.count, pending.count - pendingOffset)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + pendingOffset, byteCount: n) }
            pendingOffset += n
            if pendingOffset == pending.count { pending = []; pendingOffset = 0 }
            return n
        }
        switch phase {
        case 0:
            // WAV: read until the header is complete (or 64 KiB, or the end) and check it before the
            // first byte of the body leaves. PCM has nothing to check up front.
            var probe: [UInt8] = []
            var ended = false
            if !format.isPCM {
                var chunk = [UInt8](repeating: 0, count: 4096)
                while probe.count < 65_536 {
                    let n = chunk.withUnsafeMutableBytes { source.read(into: $0) }
                    if n < 0 { return fail(source.failure ?? AssemblyAIError(.io, "reading the audio failed")) }
                    if n == 0 { ended = true; break }
                    probe += chunk[0..<n]
                    if probe.withUnsafeBytes({ AudioRequestAudio.wavHeader($0) }) != nil { break }
                    if probe.count >= 12, !probe.withUnsafeBytes({ AudioRequestAudio.isWAV($0) }) { break }
                }
                if probe.isEmpty && ended { return fail(.invalidArgument("the audio is empty")) }
                guard let header = probe.withUnsafeBytes({ AudioRequestAudio.wavHeader($0, totalLength: Int.max / 2) }) else {
                    let what = probe.withUnsafeBytes { AudioRequestAudio.describe($0) }
                    return fail(.invalidArgument("unsupported audio format (\(what)): the \(api.name) takes WAV, or raw 16-bit PCM with sample_rate and channels in \(api.configName)"))
                }
                byteRate = header.byteRate
                dataOffset = header.dataOffset
                // A header that states its data's length (not a streamed WAV's 0 or 0xFFFFFFFF) gives
                // the duration before anything is sent; the bytes are then counted within that length.
                let declared = probe.withUnsafeBytes { AudioRequestAudio.declaredDataBytes($0) }
                if let declared {
                    declaredDataBytes = declared
                    let ms = declared / header.byteRate * 1000 + declared % header.byteRate * 1000 / header.byteRate
                    if ms > AudioRequestAPI.maxAudioMs { return fail(.invalidArgument(AudioRequestAudio.limitMessage(api: api, durationMs: ms))) }
                }
            }
            pending = head + probe
            pendingOffset = 0
            audioBytes = probe.count
            phase = ended ? 2 : 1
            if ended { pending += closing; phase = 3 }
            if let failure = overLimit() { return fail(failure) }
            return read(into: buffer)
        case 1:
            let n = source.read(into: buffer)
            if n < 0 { return fail(source.failure ?? AssemblyAIError(.io, "reading the audio failed")) }
            if n == 0 {
                if audioBytes == 0 { return fail(.invalidArgument("the audio is empty")) }
                phase = 3
                pending = closing
                pendingOffset = 0
                return read(into: buffer)
            }
            audioBytes += n
            if let failure = overLimit() { return fail(failure) }
            return n
        default:
            return 0
        }
    }

    /// The 120 s limit, on the bytes seen so far (WAV: the samples after its header, within the
    /// data length the header states).
    private func overLimit() -> AssemblyAIError? {
        guard let byteRate, byteRate > 0 else { return nil }
        var samples = audioBytes - dataOffset
        if let declaredDataBytes { samples = min(samples, declaredDataBytes) }  // chunks after the data do not count
        let ms = samples / byteRate * 1000 + samples % byteRate * 1000 / byteRate
        guard ms > AudioRequestAPI.maxAudioMs else { return nil }
        return .invalidArgument(AudioRequestAudio.limitMessage(api: api, durationMs: ms) + "; the upload was dropped and no transcript is returned")
    }
}

/// Transcribes audio with the Sync API or the Dictation API: audio in, transcript out, one
/// request. Thread-safe: any number of calls may run at once; they share the client's connections.
public final class AudioRequestTranscriber: Sendable {
    public let api: AudioRequestAPI
    public let client: Client

    public init(api: AudioRequestAPI, client: Client) {
        self.api = api
        self.client = client
    }

    /// Transcribes a whole clip (a file or bytes): checked (format, PCM rate and channels, the
    /// 120 s limit) before anything is sent, then posted as one chunk of the live request.
    public func transcribe(_ input: AudioRequestInput, config: AudioRequestConfig = AudioRequestConfig()) throws(AssemblyAIError) -> AudioRequestResult {
        let configJSON = try config.validated(for: api)
        let (bytes, filename) = try AudioRequestAudio.load(input)
        let format = try AudioRequestAudio.format(api: api, filename: filename, config: config)
        let problem = bytes.withUnsafeBytes { b -> AssemblyAIError? in
            do throws(AssemblyAIError) { try AudioRequestAudio.check(b, format: format, config: config, api: api) } catch { return error }
            return nil
        }
        if let problem { throw problem }
        return try post(source: MemoryAudioSource(bytes), format: format, config: config, configJSON: configJSON)
    }

    /// Transcribes raw 16-bit little-endian PCM with the given rate and channel count.
    public func transcribePCM(_ bytes: [UInt8], sampleRate: Int, channels: Int, config: AudioRequestConfig = AudioRequestConfig()) throws(AssemblyAIError) -> AudioRequestResult {
        guard sampleRate > 0 else { throw .invalidArgument("sample_rate must be > 0, got \(sampleRate)") }
        guard channels > 0 else { throw .invalidArgument("channels must be > 0, got \(channels)") }
        var config = config
        config.set("sample_rate", .int(Int64(sampleRate)))
        config.set("channels", .int(Int64(channels)))
        return try transcribe(.bytes(bytes), config: config)
    }

    /// Transcribes audio read as it is produced (`read` fills the buffer and returns the count,
    /// 0 at the end, -1 to drop the request). Runs on the calling thread, which `read` may block.
    /// `filename` (optional) picks the format by extension as for a file.
    public func transcribeLive(filename: String? = nil, config: AudioRequestConfig = AudioRequestConfig(),
                               read: @escaping (UnsafeMutableRawBufferPointer) -> Int) throws(AssemblyAIError) -> AudioRequestResult {
        let configJSON = try config.validated(for: api)
        let format = try AudioRequestAudio.format(api: api, filename: filename, config: config)
        return try post(source: CallbackAudioSource(read), format: format, config: config, configJSON: configJSON)
    }

    /// Transcribes what a file descriptor yields until its end (a pipe from a recorder, say).
    public func transcribeLive(fd: Int32, filename: String? = nil, config: AudioRequestConfig = AudioRequestConfig()) throws(AssemblyAIError) -> AudioRequestResult {
        guard fd >= 0 else { throw .invalidArgument("fd must be >= 0, got \(fd)") }
        var readError: Int32 = 0
        do throws(AssemblyAIError) {
            return try transcribeLive(filename: filename, config: config) { buffer in
                while true {
                    let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { readError = errno }
                    return n
                }
            }
        } catch {
            if readError != 0 {
                throw AssemblyAIError(.io, "reading the audio from file descriptor \(fd) failed: \(String(cString: strerror(readError))); no transcript is returned")
            }
            throw error
        }
    }

    /// Opens a live upload: the request starts at once on a thread of its own; `write` audio from
    /// any thread, `close` when the speaker stops, then `result`. `onDone` (optional) runs once on
    /// the session's thread when the outcome is known (also after `cancel`).
    /// `beforeStart` (optional) sees the session before its thread starts (the C ABI registers
    /// its handle there, so `onDone` can name it).
    public func openLive(filename: String? = nil, config: AudioRequestConfig = AudioRequestConfig(),
                         beforeStart: ((LiveAudioUpload) -> Void)? = nil,
                         onDone: (@Sendable (LiveAudioUpload) -> Void)? = nil) throws(AssemblyAIError) -> LiveAudioUpload {
        let configJSON = try config.validated(for: api)
        let format = try AudioRequestAudio.format(api: api, filename: filename, config: config)
        let session = LiveAudioUpload(onDone: onDone)
        beforeStart?(session)
        try session.start { [self] source in
            self.post(source: source, format: format, config: config, configJSON: configJSON, token: session.token)
        }
        return session
    }

    /// Opens the connection to the API ahead of time (a GET of /v1/warm, with the Sync API's
    /// model header), so the next request reuses it. True once any HTTP answer came (the socket
    /// is open), false when the connection could not be made. Does not check the API key.
    public func warm(model: String? = nil) -> Bool {
        let settings = client.settings
        var request = HTTPRequest(method: .get, path: AudioRequestAPI.warmPath)
        request.baseURL = api.baseURL(settings)
        request.timeoutMs = api.warmTimeoutMs(settings)
        if api == .sync { request.headers = ["\(AudioRequestAPI.modelHeader): \(model ?? AudioRequestAPI.defaultSyncModel)"] }
        if case .success = client.http.sendOnce(request, settings: settings) { return true }
        return false
    }

    func post(source: AudioByteSource, format: AudioPartFormat, config: AudioRequestConfig, configJSON: JSONObject,
              token: CancellationToken? = nil) -> Result<AudioRequestResult, AssemblyAIError> {
        do {
            return .success(try postThrowing(source: source, format: format, config: config, configJSON: configJSON, token: token))
        } catch {
            return .failure(error)
        }
    }

    func post(source: AudioByteSource, format: AudioPartFormat, config: AudioRequestConfig, configJSON: JSONObject) throws(AssemblyAIError) -> AudioRequestResult {
        try postThrowing(source: source, format: format, config: config, configJSON: configJSON, token: nil)
    }

    private func postThrowing(source: AudioByteSource, format: AudioPartFormat, config: AudioRequestConfig, configJSON: JSONObject,
                              token: CancellationToken?) throws(AssemblyAIError) -> AudioRequestResult {
        let settings = client.settings
        guard let key = settings.apiKey, !key.isEmpty else {
            throw AssemblyAIError(.auth, "no API key: set ASSEMBLYAI_API_KEY or give one to the client")
        }
        let framing = MultipartFraming()
        let body = MultipartBodyStream(api: api, source: source, format: format, config: config, configJSON: configJSON, framing: framing)
        var request = HTTPRequest(method: .post, path: AudioRequestAPI.transcribePath)
        request.baseURL = api.baseURL(settings)
        request.body = .upload(.stream(read: { body.read(into: $0) }, totalSize: nil))
        request.contentType = framing.contentType
        request.timeoutMs = api.transcribeTimeoutMs(settings)
        if api == .sync { request.headers = ["\(AudioRequestAPI.modelHeader): \(config.model ?? AudioRequestAPI.defaultSyncModel)"] }
        let outcome = token.map { t in t.run { client.http.sendOnce(request, settings: settings) } }
            ?? client.http.sendOnce(request, settings: settings)
        // Our own checks (format, limit) and the caller's source say best why a body was cut.
        if let failure = body.failure { throw failure.redacting(key) }
        switch outcome {
        case .failure(var error):
            if error.code == .connection || error.code == .timeout {
                error.message += " (no transcript: a request cut short never returns a partial one)"
            }
            throw error
        case .success(let response):
            guard response.status == 200 else { throw AudioRequestErrors.from(response, api: api).redacting(key) }
            return try AudioRequestResult(body: response.body, api: api)
        }
    }
}

/// A live upload that audio is pushed into (`open_live` in 1.8.2). The request runs on a thread
/// of its own; `write` queues audio and never blocks on the network; `close` ends the audio;
/// `result` waits for the transcript; `cancel` drops the request and returns at once.
/// Audio written is held only until the connection takes it, so memory stays flat however long
/// the recording, as long as the network keeps up.
public final class LiveAudioUpload: @unchecked Sendable {  // state guarded by `monitor`
    private let monitor = Monitor()
    private var chunks: [[UInt8]] = []
    private var first = 0
    private var offsetInFirst = 0
    private var queuedBytes = 0
    private var ended = false
    private var cancelled = false
    private var outcome: Result<AudioRequestResult, AssemblyAIError>?
    private let onDone: (@Sendable (LiveAudioUpload) -> Void)?
    let token = CancellationToken()

    init(onDone: (@Sendable (LiveAudioUpload) -> Void)?) { self.onDone = onDone }

    /// Starts the request thread; `run` performs the request reading from this session.
    func start(_ run: @escaping @Sendable (AudioByteSource) -> Result<AudioRequestResult, AssemblyAIError>) throws(AssemblyAIError) {
        let source = QueueSource(session: self)
        guard let thread = NativeThread.start(name: "aai-live-upload", { [self] in
            let result = run(source)
            monitor.withLock {
                if outcome == nil { outcome = result }
                monitor.broadcast()
            }
            if let onDone { CancellationToken.withoutCurrent { onDone(self) } }
        }) else {
            throw AssemblyAIError(.noMemory, "could not start the live upload's thread")
        }
        thread.detach()
    }

    /// Queues audio (copied). Safe from any thread; never waits for the network. Once the request
    /// has failed, audio is dropped and `result` reports the failure.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(AssemblyAIError) {
        try monitor.withLock { () throws(AssemblyAIError) in
            if cancelled { throw AssemblyAIError(.cancelled, "the live upload was cancelled") }
            if ended { throw AssemblyAIError(.state, "the live upload is closed; no more audio can be written") }
            // The request already failed: drop the audio (as 1.8.2's queue does); result() says why.
            guard outcome == nil, bytes.count > 0 else { return }
            chunks.append(Array(bytes))
            queuedBytes += bytes.count
            monitor.broadcast()
        }
    }

    /// Ends the audio; the server transcribes what was sent. Idempotent; never blocks.
    public func close() {
        monitor.withLock {
            ended = true
            monitor.broadcast()
        }
    }

    /// Drops the request without a transcript: returns at once; `result` then fails with
    /// ``ErrorCode/cancelled``. The connection is closed by the request's thread within about a second.
    public func cancel() {
        monitor.withLock {
            if outcome == nil {
                cancelled = true
                outcome = .failure(AssemblyAIError(.cancelled, "the live upload was cancelled; no transcript is returned"))
            }
            monitor.broadcast()
        }
        token.cancel()
    }

    /// Whether the outcome is known.
    public var isDone: Bool { monitor.withLock { outcome != nil } }

    /// Bytes written and not yet taken by the connection.
    public var queuedByteCount: Int { monitor.withLock { queuedBytes } }

    /// Ends the audio if it is still open and waits for the transcript (or the failure).
    public func result() throws(AssemblyAIError) -> AudioRequestResult {
        let r: Result<AudioRequestResult, AssemblyAIError> = monitor.withLock {
            ended = true
            monitor.broadcast()
            while outcome == nil { monitor.wait(untilMs: nil) }
            return outcome!
        }
        return try r.get()
    }

    /// The outcome without waiting: nil while the request runs.
    public func peek() -> Result<AudioRequestResult, AssemblyAIError>? { monitor.withLock { outcome } }

    /// The request thread's read: the next queued audio, waiting for it; 0 once closed and drained.
    fileprivate func take(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        monitor.withLock {
            while true {
                if cancelled { return -1 }
                if first < chunks.count {
                    let chunk = chunks[first]
                    let n = min(buffer.count, chunk.count - offsetInFirst)
                    chunk.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offsetInFirst, byteCount: n) }
                    offsetInFirst += n
                    queuedBytes -= n
                    if offsetInFirst == chunk.count {
                        chunks[first] = []
                        first += 1
                        offsetInFirst = 0
                        if first > 64 && first * 2 > chunks.count {
                            chunks.removeFirst(first)
                            first = 0
                        }
                    }
                    return n
                }
                if ended { return 0 }
                monitor.wait(untilMs: nil)
            }
        }
    }

    fileprivate var wasCancelled: Bool { monitor.withLock { cancelled } }
}

private final class QueueSource: AudioByteSource {
    private let session: LiveAudioUpload
    init(session: LiveAudioUpload) { self.session = session }
    var failure: AssemblyAIError? {
        session.wasCancelled ? AssemblyAIError(.cancelled, "the live upload was cancelled; no transcript is returned") : nil
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int { session.take(into: buffer) }
}
