// Per-request context and the state shared by every route.

import Foundation
import Hummingbird
import NIOCore

/// The body of a request as the recording middleware found it.
enum RequestBodyState: Sendable {
    /// Not read by the middleware: the route streams it (uploads).
    case streamed
    /// No bytes.
    case empty
    case json(JSON)
    case invalid(String)
}

/// Request context: Hummingbird's core storage plus what the middlewares learned about the
/// request, so handlers neither re-read nor re-parse the body.
struct ServerContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var body: RequestBodyState = .empty
    /// Sequence number of this request in the request record, when it was recorded.
    var recordSeq: Int?
    /// The connection, for faults that break it.
    let channel: (any Channel)?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Upper bound for JSON bodies the middleware collects (uploads are streamed instead).
    var maxUploadSize: Int { 64 * 1024 * 1024 }

    /// The parsed JSON body; throws the API's 400 when the body is missing or not JSON.
    func jsonBody() throws -> JSON {
        switch body {
        case .json(let value): return value
        case .empty: throw APIError.badRequest("Request body is empty; a JSON object is required")
        case .invalid(let why): throw APIError.badRequest("Request body is not valid JSON: \(why)")
        case .streamed: throw APIError.badRequest("Request body was streamed")
        }
    }
}

/// Start-up settings, from the command line.
struct ServerConfig: Sendable {
    var host: String
    var port: Int
    var apiKeys: Set<String>
    var queuedMs: Int
    var processingMs: Int
    var dataDir: String
    /// How long after completion the redacted audio answers 202 before it is ready.
    var redactedAudioMs = 500
    /// `--discard-uploads`: upload bodies are read and counted, never stored.
    var discardUploads = false
    /// `--recognition`: where transcript words come from (Transcription.swift).
    var recognitionMode = RecognitionMode.auto
}

/// A value behind a lock, for state that request handlers on many threads share.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Everything the routes share. Reference type so that routes registered before the server
/// binds see the address it bound to (port 0 picks a free one).
final class ServerState: Sendable {
    let config: ServerConfig
    let specs: SpecSet
    let recorder = RequestRecorder()
    let uploads: UploadStore
    let transcripts: TranscriptStore
    let renderer: TranscriptRenderer
    let webhooks = WebhookDispatcher()
    let faults = FaultInjector()
    /// LeMUR responses by request id (until purged).
    let lemur = Locked<[String: JSON]>([:])
    private let boundPortBox = Locked<Int?>(nil)
    /// The speech recogniser; nil when it is not installed or `--recognition comment`.
    let recognizer: Recognizer?
    var recognitionMode: RecognitionMode { config.recognitionMode }

    init(config: ServerConfig, specs: SpecSet, recognizer: Recognizer? = nil) throws {
        self.config = config
        self.recognizer = recognizer
        self.specs = specs
        self.uploads = try UploadStore(directory: (config.dataDir as NSString).appendingPathComponent("uploads"),
                                       discard: config.discardUploads)
        self.transcripts = TranscriptStore(queuedMs: config.queuedMs, processingMs: config.processingMs)
        self.renderer = TranscriptRenderer(specs: specs)
    }

    /// Where the redacted copy of a transcript's audio is (or will be) written.
    func redactedAudioPath(for id: String) throws -> String {
        let directory = (config.dataDir as NSString).appendingPathComponent("redacted")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (directory as NSString).appendingPathComponent("\(id).wav")
    }

    /// The port the server listens on (the requested one until it has bound).
    var port: Int { boundPortBox.withLock { $0 } ?? config.port }

    func setBoundPort(_ port: Int) { boundPortBox.withLock { $0 = port } }

    /// `http://HOST:PORT` of this server, as clients reach it.
    var baseURL: String { "http://\(urlHost):\(port)" }

    /// A wildcard bind address is not something a client can connect to: hand out loopback.
    private var urlHost: String {
        switch config.host {
        case "0.0.0.0", "": return "127.0.0.1"
        case "::": return "[::1]"
        default: return config.host.contains(":") ? "[\(config.host)]" : config.host
        }
    }
}
