import Glibc

/// Subtitle formats of `GET /v2/transcript/{id}/{subtitle_format}`.
public enum SubtitleFormat: String, Sendable { case srt, vtt }

/// A JSON answer kept whole: the parsed document, with typed values decoded from it on demand
/// (``sentences``, ``paragraphs``, ``wordSearchResult``, ``transcriptList``; see Results/LookupResponses.swift).
public struct JSONResponse: Sendable {
    public let document: JSONDocument
    public var json: JSONNode { document.root }
}

/// Exports and lookups of a completed transcript, and listing.
extension Transcriber {
    /// The transcript as SRT or VTT captions; `charsPerCaption` limits a caption's length.
    public func subtitles(id: String, format: SubtitleFormat, charsPerCaption: Int? = nil) throws(AssemblyAIError) -> String {
        var path = "/v2/transcript/\(try idSegment(id))/\(format.rawValue)"
        if let charsPerCaption {
            guard charsPerCaption > 0 else { throw .invalidArgument("chars_per_caption must be > 0, got \(charsPerCaption)") }
            path += "?chars_per_caption=\(charsPerCaption)"
        }
        let response = try client.send(HTTPRequest(method: .get, path: path), retry: .idempotent)
        return String(decoding: response.body, as: UTF8.self)
    }

    /// The transcript split into sentences (`SentencesResponse`).
    public func sentences(id: String) throws(AssemblyAIError) -> JSONResponse {
        JSONResponse(document: try client.sendJSON(HTTPRequest(method: .get, path: "/v2/transcript/\(try idSegment(id))/sentences"),
                                                   retry: .idempotent))
    }

    /// The transcript split into paragraphs (`ParagraphsResponse`).
    public func paragraphs(id: String) throws(AssemblyAIError) -> JSONResponse {
        JSONResponse(document: try client.sendJSON(HTTPRequest(method: .get, path: "/v2/transcript/\(try idSegment(id))/paragraphs"),
                                                   retry: .idempotent))
    }

    /// Where words or phrases occur (`WordSearchResponse`).
    public func wordSearch(id: String, words: [String]) throws(AssemblyAIError) -> JSONResponse {
        guard !words.isEmpty, words.allSatisfy({ !$0.isEmpty }) else { throw .invalidArgument("word search needs at least one non-empty word") }
        // The API takes one comma-separated list (OpenAPI explode: false); each word is escaped.
        let query = words.map(escapeQueryValue).joined(separator: ",")
        return JSONResponse(document: try client.sendJSON(
            HTTPRequest(method: .get, path: "/v2/transcript/\(try idSegment(id))/word-search?words=\(query)"), retry: .idempotent))
    }

    /// The URL of the PII-redacted audio. While the server is still making it (HTTP 202) this
    /// throws ``ErrorCode/state`` with a message that says so; ``saveRedactedAudio(id:to:)`` waits instead.
    public func redactedAudioURL(id: String) throws(AssemblyAIError) -> String {
        let path = "/v2/transcript/\(try idSegment(id))/redacted-audio"
        let response = try client.send(HTTPRequest(method: .get, path: path), retry: .idempotent)
        let doc: JSONDocument?
        do {
            doc = try JSONDocument(bytes: response.body)
        } catch {
            if response.status == 202 { doc = nil } else {
                throw AssemblyAIError(.proto, "malformed JSON in the answer to GET \(path): \(error)", httpStatus: response.status)
            }
        }
        if response.status == 202 {
            throw AssemblyAIError(.state, "the redacted audio of transcript \(id) is not ready yet (HTTP 202); try again later",
                                  httpStatus: 202, serverText: doc?.root["status"]?.string)
        }
        guard let url = doc?.root["redacted_audio_url"]?.string else {
            throw AssemblyAIError(.proto, "the answer to GET \(path) has no redacted_audio_url", httpStatus: response.status)
        }
        return url
    }

    /// Waits (polling interval, polling deadline) until the redacted audio is ready, then
    /// downloads it to `path` atomically: a temporary file (mode 0600) in the same folder,
    /// renamed into place only when complete, so a failure never leaves a partial file.
    public func saveRedactedAudio(id: String, to path: String) throws(AssemblyAIError) {
        let settings = client.settings
        let deadline = settings.pollingTimeoutMs > 0 ? monotonicMs() + settings.pollingTimeoutMs : nil
        var url: String
        while true {
            do {
                url = try redactedAudioURL(id: id)
                break
            } catch where error.code == .state {
                if let deadline, monotonicMs() >= deadline {
                    throw AssemblyAIError(.timeout, "the redacted audio of transcript \(id) was still not ready at the polling deadline")
                }
                HTTPClient.sleepMs(settings.pollingIntervalMs)
            }
        }
        try client.download(url: url, to: path)
    }

    // MARK: Listing

    /// One page of transcripts, newest first (`TranscriptList`). Every filter is optional.
    public func list(limit: Int? = nil, status: String? = nil, createdOn: String? = nil, beforeId: String? = nil,
                     afterId: String? = nil, throttledOnly: Bool? = nil) throws(AssemblyAIError) -> JSONResponse {
        var query: [String] = []
        if let limit {
            guard (1...200).contains(limit) else { throw .invalidArgument("list limit must be 1..200, got \(limit)") }
            query.append("limit=\(limit)")
        }
        if let status {
            guard ["queued", "processing", "completed", "error"].contains(status) else {
                throw .invalidArgument("list status must be queued, processing, completed or error, got '\(status)'")
            }
            query.append("status=\(status)")
        }
        if let createdOn { query.append("created_on=\(escapeQueryValue(createdOn))") }
        if let beforeId { query.append("before_id=\(escapeQueryValue(beforeId))") }
        if let afterId { query.append("after_id=\(escapeQueryValue(afterId))") }
        if let throttledOnly { query.append("throttled_only=\(throttledOnly)") }
        let path = "/v2/transcript" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return JSONResponse(document: try client.sendJSON(HTTPRequest(method: .get, path: path), retry: .idempotent))
    }

    /// The page at a `prev_url`/`next_url` of an earlier page. It must be on the client's base
    /// URL, so the API key is never sent to another host.
    public func listPage(url: String) throws(AssemblyAIError) -> JSONResponse {
        let base = client.settings.baseURL
        guard url.hasPrefix(base + "/v2/transcript") else {
            throw .invalidArgument("page URL '\(url)' is not a transcript list URL of \(base)")
        }
        return JSONResponse(document: try client.sendJSON(HTTPRequest(method: .get, path: String(url.dropFirst(base.count))),
                                                          retry: .idempotent))
    }

    private func idSegment(_ id: String) throws(AssemblyAIError) -> String {
        guard !id.isEmpty else { throw .invalidArgument("transcript id is empty") }
        return escapePathSegment(id)
    }
}

/// Percent-encodes a query value (unreserved characters kept); commas are escaped too, since the
/// word-search list uses them as separators.
func escapeQueryValue(_ value: String) -> String { escapePathSegment(value) }
