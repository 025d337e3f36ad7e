// POST /v2/upload: the raw body becomes a file; the answer is the URL to give as audio_url.

import Hummingbird

struct UploadRoutes: RouteGroup {
    let state: ServerState

    /// Upload bodies are streamed to disk by the route, not collected by the middleware.
    static func streamsBody(_ request: Request) -> Bool {
        request.method == .post && request.uri.path == "/v2/upload"
    }

    func register(on router: Router<ServerContext>) {
        router.post("/v2/upload") { request, context in
            let upload = try await state.uploads.save(request.body, context: context)
            if let seq = context.recordSeq { state.recorder.setBodySize(upload.size, for: seq) }
            return jsonResponse(.object(["upload_url": .string("\(state.baseURL)/_local/uploads/\(upload.id)")]))
        }
    }
}
