// /v2/transcript: create, list, get, delete. Requests reach these handlers already validated
// against the spec, so the handlers only read what they need.

import Foundation
import Hummingbird

struct TranscriptRoutes: RouteGroup {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.post("/v2/transcript") { _, context in
            guard let request = try context.jsonBody().objectValue else { throw APIError.badRequest("Request body must be an Object") }
            let job: TranscriptJob
            switch Transcription.plan(for: request, state: state) {
            case .done(let outcome):
                job = state.transcripts.add(request: request, outcome: outcome)
            case .recognize(let path, let options):
                // Over capacity (recognising + queued): 429 with Retry-After, as the real API throttles.
                if let recognizer = state.recognizer, !recognizer.reserve() {
                    var headers = HTTPFields()
                    headers[.retryAfter] = String(recognizer.retryAfterSeconds)
                    throw APIError(status: .tooManyRequests,
                                   message: "Too many transcripts are being recognised at once; retry later", headers: headers)
                }
                job = state.transcripts.add(request: request, outcome: nil)
                Transcription.recognizeInBackground(job: job, path: path, options: options, state: state)
            }
            state.webhooks.schedule(job, store: state.transcripts)
            return jsonResponse(state.renderer.transcript(job))
        }

        router.get("/v2/transcript") { request, _ in
            try list(request)
        }

        router.get("/v2/transcript/:id") { _, context in
            guard let job = state.transcripts.get(context.parameters.get("id") ?? "") else { throw APIError.transcriptNotFound }
            let now = Date()
            return jsonResponse(text: state.transcripts.renderedBody(of: job, now: now) { state.renderer.transcript($0, now: now) })
        }

        router.delete("/v2/transcript/:id") { _, context in
            guard let job = state.transcripts.markDeleted(context.parameters.get("id") ?? "") else { throw APIError.transcriptNotFound }
            // As on the real API, an uploaded file goes with its transcript.
            if let upload = Transcription.uploadID(of: job, state: state) { state.uploads.delete(upload) }
            if let redacted = try? state.redactedAudioPath(for: job.id) { try? FileManager.default.removeItem(atPath: redacted) }
            return jsonResponse(state.renderer.transcript(job))
        }
    }

    private func list(_ request: Request) throws -> Response {
        var q = TranscriptListQuery()
        var filters: [(String, String)] = []
        for (key, value) in parseQuery(request.uri.query) {
            switch key {
            case "limit": q.limit = Int(value) ?? q.limit
            case "status": q.status = value; filters.append((key, value))
            case "created_on": q.createdOn = value; filters.append((key, value))
            case "throttled_only": q.throttledOnly = value == "true"; filters.append((key, value))
            case "before_id": q.beforeID = value
            case "after_id": q.afterID = value
            default: break
            }
        }
        let now = Date()
        let page = try state.transcripts.list(q, now: now)

        func url(_ cursors: [(String, String)]) -> String {
            var items = [URLQueryItem(name: "limit", value: String(q.limit))]
            items += (filters + cursors).map { URLQueryItem(name: $0.0, value: $0.1) }
            var c = URLComponents()
            c.queryItems = items
            return "\(state.baseURL)/v2/transcript?\(c.percentEncodedQuery ?? "")"
        }
        let current = [q.beforeID.map { ("before_id", $0) }, q.afterID.map { ("after_id", $0) }].compactMap { $0 }
        let body: JSON = .object([
            "page_details": .object([
                "limit": .int(q.limit),
                "result_count": .int(page.jobs.count),
                "current_url": .string(url(current)),
                // prev_url pages to older transcripts, next_url to newer ones.
                "prev_url": page.olderCursor.map { .string(url([("before_id", $0)])) } ?? .null,
                "next_url": page.newerCursor.map { .string(url([("after_id", $0)])) } ?? .null,
            ]),
            "transcripts": .array(page.jobs.map { state.renderer.listItem($0, baseURL: state.baseURL, now: now) }),
        ])
        return jsonResponse(body)
    }
}
