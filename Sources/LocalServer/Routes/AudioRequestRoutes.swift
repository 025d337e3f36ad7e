// The Sync API and the Dictation API: one multipart POST (a JSON `config` part first, then the
// `audio` part: WAV, or raw 16-bit PCM with sample_rate and channels), read as it arrives
// (chunked live uploads), one transcript back. Errors are RFC 9457 problem details
// ({"status", "title", "detail"}), as the official SDK 1.8.2 reads them.
//
// One server serves both hosts: the Sync API at / (POST /v1/transcribe/live, also
// /v1/transcribe/stream and /v1/transcribe, GET /v1/warm) and the Dictation API under /dictation
// (POST /dictation/v1/transcribe/live, GET /dictation/v1/warm), so a client's dictation base URL
// is http://HOST:PORT/dictation. docs/local-server.md ("Sync and Dictation APIs") has the rules.
//
// Recognition goes through one function, AudioRequestRecognition.recognize(wav:state:), which reads
// the audio as the pre-recorded path does: the recogniser for speech, the comment rules for test WAVs.

import Foundation
import Hummingbird
import NIOCore

struct AudioRequestRoutes: RouteGroup {
    let state: ServerState

    static let syncPaths = ["/v1/transcribe/live", "/v1/transcribe/stream", "/v1/transcribe"]
    static let dictationPaths = ["/dictation/v1/transcribe/live"]
    static let syncModels: Set = ["universal-3-5-pro"]
    /// Largest audio taken, in milliseconds.
    static let maxAudioMs = 120_000
    /// Largest body read: 120 s of 8 channels of 48 kHz 32-bit audio, and some.
    static let maxBodyBytes = 200 << 20

    /// These bodies are read by the route as they arrive, not collected by the middleware.
    static func streamsBody(_ request: Request) -> Bool {
        request.method == .post && (syncPaths.contains(request.uri.path) || dictationPaths.contains(request.uri.path))
    }

    /// Whether a path belongs to these APIs (their errors are problem details).
    static func isAudioRequestPath(_ path: String) -> Bool {
        syncPaths.contains(path) || dictationPaths.contains(path) || path == "/v1/warm" || path == "/dictation/v1/warm"
    }

    func register(on router: Router<ServerContext>) {
        for path in Self.syncPaths {
            router.post(RouterPath(path)) { request, context in
                try await handle(request, context: context, dictation: false)
            }
        }
        for path in Self.dictationPaths {
            router.post(RouterPath(path)) { request, context in
                try await handle(request, context: context, dictation: true)
            }
        }
        router.get("/v1/warm") { _, _ in jsonResponse(.object(["status": .string("ok")])) }
        router.get("/dictation/v1/warm") { _, _ in jsonResponse(.object(["status": .string("ok")])) }
    }

    private func handle(_ request: Request, context: ServerContext, dictation: Bool) async throws -> Response {
        let started = Date()
        let api = dictation ? "dictation" : "sync"
        if !dictation, let model = request.headers.first(where: { $0.name.canonicalName.lowercased() == "x-aai-model" })?.value, !Self.syncModels.contains(model) {
            try await drain(request)
            return problem(400, "Unknown Model", "unknown model '\(model)'; available: \(Self.syncModels.sorted().joined(separator: ", "))")
        }
        guard let contentType = request.headers[.contentType], let boundary = MultipartReader.boundary(contentType: contentType) else {
            try await drain(request)
            return problem(400, "Bad Request", "the body must be multipart/form-data with a boundary")
        }
        // Read as it arrives; stop at the cap (the connection is closed after the answer).
        var body: [UInt8] = []
        var tooLarge = false
        for try await chunk in request.body {
            body += chunk.readableBytesView
            if body.count > Self.maxBodyBytes { tooLarge = true; break }
        }
        if let seq = context.recordSeq { state.recorder.setBodySize(body.count, for: seq) }
        if tooLarge {
            return problem(413, "Audio Too Large", "the request body is over \(Self.maxBodyBytes) bytes; the \(api) API takes at most \(Self.maxAudioMs / 1000) s of audio")
        }
        let parts: [MultipartReader.Part]
        do { parts = try MultipartReader.parse(body, boundary: boundary) } catch {
            return problem(400, "Bad Request", "malformed multipart body: \(error)")
        }
        if let seq = context.recordSeq { state.recorder.setField("multipart", MultipartReader.describe(parts), for: seq) }
        guard let configIndex = parts.firstIndex(where: { $0.name == "config" }) else {
            return problem(400, "Bad Request", "the config part is required ahead of the audio")
        }
        guard let audioIndex = parts.firstIndex(where: { $0.name == "audio" }) else {
            return problem(400, "Bad Request", "the audio part is missing")
        }
        guard configIndex < audioIndex else {
            return problem(400, "Bad Request", "the config part must come before the audio part")
        }
        let config: [String: JSON]
        do {
            guard let o = try JSON.parse(parts[configIndex].body).objectValue else { throw AudioReadError(message: "not an object") }
            config = o
        } catch {
            return problem(400, "Bad Request", "the config part is not a JSON object")
        }
        if let bad = Self.checkConfig(config, dictation: dictation) { return problem(422, "Invalid Config", bad) }

        let audio = parts[audioIndex]
        let rate = config["sample_rate"]?.intValue, channels = config["channels"]?.intValue
        let wav: [UInt8]
        switch audio.contentType?.lowercased() ?? "audio/wav" {
        case "audio/pcm", "audio/l16", "application/octet-stream" where rate != nil:
            guard let rate, let channels, rate > 0, channels > 0 else {
                return problem(400, "Bad Audio", "raw PCM audio requires sample_rate and channels in the config part")
            }
            guard audio.body.count % (2 * channels) == 0 else {
                return problem(400, "Bad Audio", "raw PCM audio must be whole 16-bit frames")
            }
            wav = Self.wavFile(pcm: audio.body, rate: rate, channels: channels)
        case "audio/wav", "audio/x-wav", "audio/wave", "application/octet-stream":
            wav = audio.body
        case let other:
            return problem(415, "Unsupported Audio Format", "audio of type \(other) is not supported here; send WAV or raw 16-bit PCM")
        }
        let recognition: Recognition
        do {
            recognition = try await AudioRequestRecognition.recognize(wav: wav, state: state)
        } catch RecognizerError.busy {
            let after = state.recognizer?.retryAfterSeconds ?? 1
            return problemResponse(status: 429, title: "Too Many Requests", detail: "the speech recogniser is busy; retry after \(after) s",
                                   headers: [.retryAfter: String(after)])
        } catch let error as RecognizerError {
            if case .notAudio(let why) = error { return problem(400, "Bad Audio", "the audio could not be decoded: \(why)") }
            return problem(500, "Recognition Failed", error.description)
        } catch {
            return problem(400, "Bad Audio", "the audio could not be decoded: \((error as? AudioReadError)?.message ?? "\(error)")")
        }
        if recognition.audio.durationMs == 0 {
            return problem(400, "Audio Too Short", "the audio has no samples")
        }
        if recognition.audio.durationMs > Self.maxAudioMs {
            return problem(413, "Audio Too Large", "the audio is \(recognition.audio.durationMs) ms long; at most \(Self.maxAudioMs) ms are taken per request")
        }
        let ms = Date().timeIntervalSince(started) * 1000
        return jsonResponse(.object(dictation ? Self.dictationAnswer(recognition, config: config, ms: ms)
                                               : Self.syncAnswer(recognition, config: config, ms: ms)))
    }

    private func drain(_ request: Request) async throws {
        for try await _ in request.body {}
    }

    /// The config rules the services apply (the same caps the official SDK checks).
    static func checkConfig(_ c: [String: JSON], dictation: Bool) -> String? {
        if dictation {
            let allowed: Set = ["sample_rate", "channels", "language_codes", "stt_prompt", "keyterms_prompt", "llm_instruction", "rewrite_mode"]
            if let k = c.keys.sorted().first(where: { !allowed.contains($0) }) { return "unknown config field '\(k)'" }
            if let s = c["llm_instruction"]?.stringValue, s.count > 2048 { return "llm_instruction is over 2048 characters" }
            if let s = c["stt_prompt"]?.stringValue, s.count > 6000 { return "stt_prompt is over 6000 characters" }
            if let m = c["rewrite_mode"], m.stringValue != "fast" && m.stringValue != "smart" { return "rewrite_mode must be fast or smart" }
        } else {
            if let s = c["prompt"]?.stringValue, s.count > 6000 { return "prompt is over 6000 characters" }
            if c["prompt"] != nil, c["language_codes"] != nil { return "prompt and language_codes are mutually exclusive" }
        }
        if let k = c["keyterms_prompt"]?.arrayValue, k.count > 100 { return "keyterms_prompt has over 100 terms" }
        return nil
    }

    static func syncAnswer(_ r: Recognition, config: [String: JSON], ms: Double) -> [String: JSON] {
        let timestamps = config["timestamps"]?.boolValue == true
        let words: [JSON] = r.words.map { w in
            var o: [String: JSON] = ["text": .string(w.text), "confidence": .double(w.confidence)]
            if timestamps { o["start"] = .int(w.start); o["end"] = .int(w.end) }
            return .object(o)
        }
        return ["text": .string(r.text), "words": .array(words), "confidence": .double(AudioText.mean(r.words.map(\.confidence)) ?? 0),
                "audio_duration_ms": .int(r.audio.durationMs), "session_id": .string(UUID().uuidString.lowercased()),
                "request_time_ms": .double((ms * 1000).rounded() / 1000)]
    }

    static func dictationAnswer(_ r: Recognition, config: [String: JSON], ms: Double) -> [String: JSON] {
        var o: [String: JSON] = [
            "text": .string(r.text),
            "words": .array(r.words.map { .object(["text": .string($0.text), "confidence": .double($0.confidence)]) }),
            "confidence": .double(AudioText.mean(r.words.map(\.confidence)) ?? 0),
            "audio_duration_ms": .int(r.audio.durationMs), "session_id": .string(UUID().uuidString.lowercased()),
            "request_time_ms": .double((ms * 1000).rounded() / 1000), "sync_time_ms": .double((ms * 1000).rounded() / 1000),
            "llm_response": .null, "llm_error": .null,
        ]
        if let instruction = config["llm_instruction"]?.stringValue {
            let (response, error) = rewrite(r.text, instruction: instruction)
            o["llm_response"] = response.map(JSON.string) ?? .null
            o["llm_error"] = error.map(JSON.string) ?? .null
        }
        return o
    }

    /// The local LLM pass, deterministic so tests can assert it: an instruction that mentions
    /// "uppercase" or "lowercase" changes the case; one containing "FAIL_LLM" fails the pass;
    /// any other instruction gives "<instruction>: <text>".
    static func rewrite(_ text: String, instruction: String) -> (String?, String?) {
        let lower = instruction.lowercased()
        if instruction.contains("FAIL_LLM") { return (nil, "the LLM pass failed (local server: the instruction asked for it)") }
        if lower.contains("uppercase") { return (text.uppercased(), nil) }
        if lower.contains("lowercase") { return (text.lowercased(), nil) }
        return ("\(instruction.trimmingCharacters(in: .whitespacesAndNewlines)): \(text)", nil)
    }

    /// A WAV file around raw 16-bit PCM, so PCM is recognised through the same function as WAV.
    static func wavFile(pcm: [UInt8], rate: Int, channels: Int) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24 & 255)] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255)] }
        var out = Array("RIFF".utf8) + le32(36 + pcm.count) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(channels)
        out += le32(rate) + le32(rate * channels * 2) + le16(channels * 2) + le16(16) + Array("data".utf8) + le32(pcm.count)
        return out + pcm
    }

    /// The problem-details title of an error status (a status made from a bare code has no
    /// reason phrase of its own).
    static func title(for status: HTTPResponse.Status) -> String {
        let known = [400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
                     408: "Request Timeout", 413: "Content Too Large", 422: "Unprocessable Content", 429: "Too Many Requests",
                     500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"]
        if let t = known[Int(status.code)] { return t }
        return status.reasonPhrase.isEmpty ? "Error" : status.reasonPhrase
    }

    func problem(_ status: Int, _ title: String, _ detail: String) -> Response {
        problemResponse(status: status, title: title, detail: detail)
    }
}

/// An RFC 9457 problem-details answer.
func problemResponse(status: Int, title: String, detail: String, headers: HTTPFields = [:]) -> Response {
    let body = JSON.object(["status": .int(status), "title": .string(title), "detail": .string(detail)])
    var response = Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/problem+json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized())))
    response.headers.append(contentsOf: headers)
    return response
}

/// Recognition for the Sync and Dictation APIs: the one function they call. It reads the audio
/// the way the pre-recorded path does (WAVReader.read(path:), then AudioText.recognize), so
/// whatever recognition that path gains, these APIs gain too.
enum AudioRequestRecognition {
    /// The words of a Sync or Dictation request's WAV: real recognition when the server has a
    /// recogniser and the audio carries no comment (or `--recognition speech`) and is not silent,
    /// the comment rules otherwise: the same choice the pre-recorded path makes.
    static func recognize(wav: [UInt8], state: ServerState) async throws -> Recognition {
        let directory = (state.config.dataDir as NSString).appendingPathComponent("audio-requests")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(UUID().uuidString + ".wav")
        guard FileManager.default.createFile(atPath: path, contents: Data(wav)) else {
            throw AudioReadError(message: "could not store the audio")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info = try WAVReader.read(path: path)
        if let recognizer = state.recognizer,
           state.recognitionMode == .speech || (state.recognitionMode == .auto && info.comment == nil),
           !Silence.isSilentWAV(path: path, info: info) {
            let result = try await recognizer.recognize(path: path)
            return SpeechText.recognition(result, path: path, options: TextOptions())
        }
        return AudioText.recognize(info, options: TextOptions())
    }
}

/// A strict multipart/form-data reader (RFC 7578) for bodies already in memory.
enum MultipartReader {
    struct Part {
        var name: String?
        var filename: String?
        var contentType: String?
        var body: [UInt8]
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func boundary(contentType: String) -> String? {
        let lower = contentType.lowercased()
        guard lower.hasPrefix("multipart/form-data") else { return nil }
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                var b = kv[1]
                if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
                return b.isEmpty || b.count > 200 ? nil : b
            }
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) throws -> [Part] {
        let dash = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        guard body.count >= dash.count, Array(body[0..<dash.count]) == dash else { throw Malformed(description: "does not start with the boundary") }
        var i = dash.count
        var parts: [Part] = []
        while true {
            // After a boundary: "--" ends the body, CRLF starts a part.
            if i + 2 <= body.count, body[i] == 0x2D, body[i + 1] == 0x2D { return parts }
            guard i + 2 <= body.count, body[i] == 0x0D, body[i + 1] == 0x0A else { throw Malformed(description: "no CRLF after a boundary") }
            i += 2
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: i) else { throw Malformed(description: "a part's headers do not end") }
            var part = Part(body: [])
            let headerText = String(decoding: body[i..<headerEnd], as: UTF8.self)
            for line in headerText.components(separatedBy: "\r\n") where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { throw Malformed(description: "a header line has no colon") }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if name == "content-disposition" {
                    part.name = param("name", in: value)
                    part.filename = param("filename", in: value)
                } else if name == "content-type" {
                    part.contentType = value
                }
            }
            let start = headerEnd + 4
            guard let end = find(delimiter, in: body, from: start) else { throw Malformed(description: "a part does not end with the boundary") }
            part.body = Array(body[start..<end])
            parts.append(part)
            i = end + delimiter.count
            if parts.count > 16 { throw Malformed(description: "more than 16 parts") }
        }
    }

    static func param(_ name: String, in value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var v = kv[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        var i = from
        let first = needle[0]
        while i <= hay.count - needle.count {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// What the request recorder keeps of a multipart body: each part's headers, the config
    /// part's JSON (parsed when it parses), and the size of the others.
    static func describe(_ parts: [Part]) -> JSON {
        .array(parts.map { p in
            var o: [String: JSON] = ["name": p.name.map(JSON.string) ?? .null, "filename": p.filename.map(JSON.string) ?? .null,
                                     "content_type": p.contentType.map(JSON.string) ?? .null, "size": .int(p.body.count)]
            if p.name == "config" {
                o["json"] = (try? JSON.parse(p.body)) ?? .null
                o["text"] = .string(String(decoding: p.body, as: UTF8.self))
            }
            return .object(o)
        })
    }
}
