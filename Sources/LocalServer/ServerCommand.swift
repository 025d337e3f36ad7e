// assemblyai-server: the command line. Loads the specs, binds, prints the one line test
// harnesses wait for, and serves until SIGTERM or SIGINT.

import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assemblyai-server",
        abstract: "A local AssemblyAI-compatible API server, for testing apps offline.",
        discussion: "Prints `assemblyai-server listening on http://HOST:PORT` as its first line once it accepts connections. See docs/local-server.md."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port = 0

    @Option(name: .customLong("api-key"), help: "An accepted API key (repeatable). Without any, every non-empty key is accepted.")
    var apiKeys: [String] = []

    @Option(help: "How long a new transcript stays queued, in milliseconds.")
    var queuedMs = 100

    @Option(help: "How long a transcript then stays processing, in milliseconds.")
    var processingMs = 300

    @Option(help: "How long after completion /redacted-audio answers 202 (not ready yet), in milliseconds.")
    var redactedAudioMs = 500

    @Option(name: .customLong("fault"), help: "A fault to arm at start-up, as the JSON object POST /_local/faults takes (repeatable).")
    var faults: [String] = []

    @Option(help: "Where uploads are stored. Default: a new temporary directory, removed on exit.")
    var dataDir: String?

    @Flag(help: "Read and count upload bodies without storing them (for benchmarks of clients); their upload_url then answers 410.")
    var discardUploads = false

    @Option(help: "Folder holding openapi.yml and openapi-latest.yml. Default: the copy built into the server.")
    var specDir: String?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "warning"

    @Option(help: "Where transcript words come from: auto (a WAV's comment when it has one, else the speech recogniser when installed), comment (never recognise), speech (always recognise).")
    var recognition = "auto"

    @Option(help: "Python interpreter for the speech recogniser.")
    var recognizerPython = "python3"

    @Option(help: "The recogniser worker script. Default: recognizer/aai_recognizer.py beside the binary or in the source tree.")
    var recognizerScript: String?

    @Option(help: "Recognitions the worker runs at once.")
    var recognizerJobs = 2

    @Option(help: "CPU threads per recognition.")
    var recognizerThreads = 2

    @Option(help: "Transcripts that may wait for the recogniser beyond --recognizer-jobs; more get 429 with Retry-After.")
    var recognizerQueue = 8

    @Option(help: "Streaming sessions recognised at once; more are refused with a close code.")
    var recognizerStreams = 8

    @Option(help: "A recogniser silent for this long (ms) is killed and restarted; its work ends in error.")
    var recognizerStallMs = 15_000

    @Flag(help: "Start the recogniser (load the model) at start-up rather than on first use.")
    var recognizerPreload = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard queuedMs >= 0, processingMs >= 0, redactedAudioMs >= 0 else {
            throw ValidationError("--queued-ms, --processing-ms and --redacted-audio-ms must not be negative")
        }
        guard apiKeys.allSatisfy({ !$0.isEmpty }) else { throw ValidationError("--api-key must not be empty") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard RecognitionMode(rawValue: recognition) != nil else { throw ValidationError("--recognition must be auto, comment or speech") }
        guard recognizerJobs >= 1, recognizerThreads >= 1, recognizerQueue >= 0, recognizerStreams >= 0, recognizerStallMs >= 100 else {
            throw ValidationError("--recognizer-jobs and --recognizer-threads must be at least 1, --recognizer-queue and --recognizer-streams not negative, --recognizer-stall-ms at least 100")
        }
        _ = try parsedFaults()
    }

    private func parsedFaults() throws -> [Fault] {
        try faults.map { text in
            do {
                return try Fault(json: JSON.parse(text))
            } catch let error as APIError {
                throw ValidationError("--fault \(text): \(error.message)")
            } catch {
                throw ValidationError("--fault \(text): not valid JSON (\(error))")
            }
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        // stdout carries only the "listening" line; logs go to stderr.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "assemblyai-server")
        logger.logLevel = level

        let temporary = dataDir == nil
        let directory = try dataDir ?? Self.makeTemporaryDirectory()
        defer { if temporary { try? FileManager.default.removeItem(atPath: directory) } }

        let specs = try SpecSet.load(directory: try specDir ?? Self.bundledSpecDirectory())
        let mode = RecognitionMode(rawValue: recognition) ?? .auto
        let recognizer = try startRecognizer(mode: mode)
        defer { recognizer?.shutdown() }
        let state = try ServerState(
            config: ServerConfig(host: host, port: port, apiKeys: Set(apiKeys), queuedMs: queuedMs,
                                 processingMs: processingMs, dataDir: directory, redactedAudioMs: redactedAudioMs,
                                 discardUploads: discardUploads, recognitionMode: mode),
            specs: specs,
            recognizer: recognizer
        )
        state.faults.arm(try parsedFaults())
        // Requests held by a "hang" fault end when the server is asked to stop.
        let stopSignals = [SIGTERM, SIGINT].map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { ShutdownFlag.set() }
            source.resume()
            return source
        }
        defer { stopSignals.forEach { $0.cancel() } }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let app = Application(
            router: buildRouter(state: state),
            server: .http1WebSocketUpgrade(configuration: StreamingEndpoints.configuration, shouldUpgrade: StreamingEndpoints(state: state).shouldUpgrade),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                state.setBoundPort(bound)
                // Unbuffered, so a harness reading our stdout through a pipe sees it at once.
                FileHandle.standardOutput.write(Data("assemblyai-server listening on http://\(shownHost):\(bound)\n".utf8))
            },
            logger: logger
        )
        try await app.runService()
    }

    /// The recogniser, when installed and wanted. Says on the first line of stderr which mode
    /// the server runs in (stdout's first line is the harnesses' "listening" line).
    private func startRecognizer(mode: RecognitionMode) throws -> Recognizer? {
        func say(_ line: String) { FileHandle.standardError.write(Data("assemblyai-server: \(line)\n".utf8)) }
        if mode == .comment {
            say("speech recognition off (--recognition comment): words come from WAV comments only")
            return nil
        }
        let script = recognizerScript ?? Self.recognizerScript()
        let command = [recognizerPython, script ?? "recognizer/aai_recognizer.py"]
        if let missing = script == nil ? "the recogniser script recognizer/aai_recognizer.py was not found" : Recognizer.probe(command: command) {
            if mode == .speech { throw ValidationError("--recognition speech: speech recognition is not available: \(missing)") }
            say("speech recognition not available (\(missing)); words come from WAV comments only, audio without one gives an empty transcript")
            return nil
        }
        let recognizer = Recognizer(settings: RecognizerSettings(
            command: command, jobs: recognizerJobs, threads: recognizerThreads, queueLimit: recognizerQueue,
            stallMs: recognizerStallMs, maxStreams: recognizerStreams))
        say("speech recognition on (\(mode == .speech ? "every audio" : "audio without a WAV comment"); \(command.joined(separator: " ")))")
        if recognizerPreload || mode == .speech { recognizer.startIfNeeded() }
        return recognizer
    }

    /// recognizer/aai_recognizer.py beside the binary (make stages it there), in
    /// `../share/assemblyai/`, or in the source tree this binary was built from.
    private static func recognizerScript() -> String? {
        if let env = ProcessInfo.processInfo.environment["AAI_RECOGNIZER_SCRIPT"], !env.isEmpty { return env }
        var candidates: [String] = []
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path {
            candidates.append("\(exe)/recognizer/aai_recognizer.py")
            candidates.append("\(exe)/../share/assemblyai/recognizer/aai_recognizer.py")
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../recognizer/aai_recognizer.py").standardized.path)
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    private static func makeTemporaryDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("assemblyai-server-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The spec copy staged beside the executable (`spec/` next to it: `make` and `make install`
    /// put it there), else the source tree's `spec/` this binary was built from.
    private static func bundledSpecDirectory() throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path {
            candidates.append("\(exe)/spec")
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("spec").path)
        guard let found = candidates.first(where: { fm.fileExists(atPath: "\($0)/openapi.yml") }) else {
            throw ValidationError("cannot find the OpenAPI specs (looked in \(candidates.joined(separator: ", "))); pass --spec-dir")
        }
        return found
    }
}
