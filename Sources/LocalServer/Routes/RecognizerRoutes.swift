// /_local/recognizer: the speech recogniser's state, for tests and benchmarks (no API key).
//   GET  /_local/recognizer        {"mode", "available", "ready", "engine", "pid", "restarts", ...}
//   POST /_local/recognizer/start  starts the worker if it is not running and waits until its
//                                  model is loaded (at most 60 s); answers the state.

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
    }

    private func status() -> JSON {
        var o = state.recognizer?.status.objectValue ?? ["available": .bool(false), "ready": .bool(false)]
        o["mode"] = .string(state.recognitionMode.rawValue)
        return .object(o)
    }
}
