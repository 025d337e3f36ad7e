// Lookups of a completed transcript: /srt, /vtt, /sentences, /paragraphs, /word-search,
// /redacted-audio, and the redacted file itself (/_local/redacted-audio/<id>.wav).

import Foundation
import Hummingbird

struct LookupRoutes: RouteGroup {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        for format in ["srt", "vtt"] {
            router.get("/v2/transcript/:id/\(format)") { request, context in
                let (_, content) = try completed(context)
                var limit = Lookups.defaultCharsPerCaption
                if let raw = parseQuery(request.uri.query).last(where: { $0.0 == "chars_per_caption" })?.1, let n = Int(raw) {
                    guard n > 0 else { throw APIError.badRequest("chars_per_caption must be greater than 0") }
                    limit = n
                }
                let captions = Lookups.captions(content, maxChars: limit)
                let text = format == "srt" ? Lookups.srt(captions) : Lookups.vtt(captions)
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }

        router.get("/v2/transcript/:id/sentences") { _, context in
            let (job, content) = try completed(context)
            return jsonResponse(Lookups.sentences(id: job.id, content))
        }

        router.get("/v2/transcript/:id/paragraphs") { _, context in
            let (job, content) = try completed(context)
            return jsonResponse(Lookups.paragraphs(id: job.id, content))
        }

        router.get("/v2/transcript/:id/word-search") { request, context in
            let (job, content) = try completed(context)
            let terms = parseQuery(request.uri.query).filter { $0.0 == "words" }.map(\.1).joined(separator: ",")
            return jsonResponse(Lookups.wordSearch(id: job.id, terms: terms, content))
        }

        router.get("/v2/transcript/:id/redacted-audio") { _, context in
            let (job, _) = try completed(context)
            try checkRedactedAudio(job)
            let ready = job.finishedAt.addingTimeInterval(Double(state.config.redactedAudioMs) / 1000)
            if Date() < ready {
                return jsonResponse(.object(["error": .string("Redacted audio is not ready yet")]), status: .accepted)
            }
            return jsonResponse(.object([
                "status": .string("redacted_audio_ready"),
                "redacted_audio_url": .string("\(state.baseURL)/_local/redacted-audio/\(job.id).wav"),
            ]))
        }

        router.get("/_local/redacted-audio/:file") { _, context in
            let file = context.parameters.get("file") ?? ""
            guard file.hasSuffix(".wav"), let job = state.transcripts.get(String(file.dropLast(4))), !job.deleted,
                  case .recognized(let content)? = job.finished(at: Date()),
                  job.request["redact_pii_audio"]?.boolValue == true,
                  let upload = Transcription.uploadID(of: job, state: state), let source = state.uploads.path(for: upload),
                  FileManager.default.fileExists(atPath: source) else { throw APIError.notFound }
            let path = try state.redactedAudioPath(for: job.id)
            if !FileManager.default.fileExists(atPath: path) {
                try RedactedAudio.write(source: source, to: path, audio: content.audio, ranges: content.redactedRanges)
            }
            let body = try await FileIO().loadFile(path: path, context: context)
            return Response(status: .ok, headers: [.contentType: "audio/wav"], body: body)
        }
    }

    /// The job and its content when it exists and has completed; the API's errors otherwise.
    private func completed(_ context: ServerContext) throws -> (TranscriptJob, TranscriptContent) {
        guard let job = state.transcripts.get(context.parameters.get("id") ?? "") else { throw APIError.transcriptNotFound }
        guard !job.deleted else { throw APIError.badRequest("Transcript has been deleted") }
        guard case .recognized(let content)? = job.finished(at: Date()) else {
            throw APIError.badRequest("Transcript is not completed (status: \(job.status(at: Date())))")
        }
        return (job, content)
    }

    private func checkRedactedAudio(_ job: TranscriptJob) throws {
        guard job.request["redact_pii_audio"]?.boolValue == true else {
            throw APIError.badRequest("Redacted audio is not available: redact_pii_audio was not enabled for this transcript")
        }
        guard Transcription.uploadID(of: job, state: state) != nil else {
            throw APIError.badRequest("Redacted audio is not available: the transcript's audio is not an uploaded file")
        }
    }
}
