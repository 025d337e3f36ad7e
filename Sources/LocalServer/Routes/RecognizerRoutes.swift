// /_local/recognizer: the speech recogniser's state, for tests and benchmarks (no API key).
//   GET  /_local/recognizer        {"mode", "available", "ready", "engine", "pid", "restarts", ...}
//   POST /_local/recognizer/start  starts the worker if it is not running and waits until its
//                                  model is loaded (at most 60 s); answers the state.
//   POST /_local/recognize         body: an audio file (any format, at most 64 MiB) ->
//                                  {"duration_ms", "text", "words": [{text, start, end, confidence}]}
//                                  through Recognizer.recognize(bytes:), the entry point routes use;
//                                  400 not audio, 429 + Retry-After at capacity, 503 no recogniser,
//                                  500 the recogniser failed (the reason).

import Foundation
import Hummingbird

struct RecognizerRoutes: RouteGroup {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.get("/_local/recognizer") { _, _ in
            jsonResponse(status())
        }
        router.post("/_local/recognizer/start") { _, _ in
            if let recognizer = state.recognizer {
                recognizer.startIfNeeded()
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline, recognizer.status.objectValue?["ready"]?.boolValue != true,
                      recognizer.status.objectValue?["error"]?.isNull ?? true {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            return jsonResponse(status())
        }
        router.post("/_local/recognize") { request, context in
            guard let recognizer = state.recognizer else {
                throw APIError(status: .serviceUnavailable, message: "Speech recognition is not available on this server")
            }
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            do {
                let result = try await recognizer.recognize(bytes: Array(body.readableBytesView))
                return jsonResponse(.object([
                    "duration_ms": .int(result.durationMs),
                    "text": .string(result.words.map(\.text).joined(separator: " ")),
                    "words": .array(result.words.map { w in
                        .object(["text": .string(w.text), "start": .int(w.start), "end": .int(w.end), "confidence": .double(w.confidence)])
                    }),
                ]))
            } catch RecognizerError.notAudio {
                throw APIError.badRequest(WAVReader.notAudio(kind: WAVReader.describe(Data(body.readableBytesView.prefix(512)))))
            } catch RecognizerError.busy {
                var headers = HTTPFields()
                headers[.retryAfter] = String(recognizer.retryAfterSeconds)
                throw APIError(status: .tooManyRequests, message: "Speech recognition is at capacity; retry later", headers: headers)
            } catch {
                throw APIError(status: .internalServerError, message: (error as? RecognizerError)?.description ?? "\(error)")
            }
        }
    }

    private func status() -> JSON {
        var o = state.recognizer?.status.objectValue ?? ["available": .bool(false), "ready": .bool(false)]
        o["mode"] = .string(state.recognitionMode.rawValue)
        return .object(o)
    }
}
