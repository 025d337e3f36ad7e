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

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard queuedMs >= 0, processingMs >= 0, redactedAudioMs >= 0 else {
            throw ValidationError("--queued-ms, --processing-ms and --redacted-audio-ms must not be negative")
        }
        guard apiKeys.allSatisfy({ !$0.isEmpty }) else { throw ValidationError("--api-key must not be empty") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
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
        let state = try ServerState(
            config: ServerConfig(host: host, port: port, apiKeys: Set(apiKeys), queuedMs: queuedMs,
                                 processingMs: processingMs, dataDir: directory, redactedAudioMs: redactedAudioMs,
                                 discardUploads: discardUploads),
            specs: specs
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
