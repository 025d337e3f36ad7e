// The options of a Text-to-Speech request (HTTP body or WebSocket query), checked as the API
// checks them, and the API's error envelope:
//   {"code", "message", "param", "request_id", "errors", "retryable", "retry_after_seconds"}
// Voices: the eleven built-in library voices (aai-jane, the default, ...) each speak with an
// espeak-ng variant; any UUID is taken as a cloned voice of the account (a fixed variant, and a
// voice_expires_at 60 days ahead); any other voice_id is 422 voice_not_found.

import Foundation
import HTTPTypes
import Hummingbird

/// A refusal in the Text-to-Speech API's own envelope.
struct TTSAPIError: Error, HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var param: String? = nil
    var retryable = false
    var retryAfterSeconds: Int? = nil
    var requestID = UUID().uuidString.lowercased()

    var description: String { "\(status.code) \(code): \(message)" }

    var envelope: [String: JSON] {
        var o: [String: JSON] = [
            "code": .string(code), "message": .string(message), "param": param.map(JSON.string) ?? .null,
            "request_id": .string(requestID), "retryable": .bool(retryable),
            "retry_after_seconds": retryAfterSeconds.map(JSON.int) ?? .null,
        ]
        o["errors"] = .array([.object(["code": .string(code), "message": .string(message), "param": param.map(JSON.string) ?? .null])])
        return o
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = jsonResponse(.object(envelope), status: status)
        response.headers[HTTPField.Name("X-Request-Id")!] = requestID
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }

    static func invalid(_ param: String, _ message: String) -> TTSAPIError {
        TTSAPIError(status: .unprocessableContent, code: "invalid_parameter", message: message, param: param)
    }

    /// The TTS envelope for an error the shared middlewares raised (auth, faults).
    static func wrapping(_ error: APIError) -> TTSAPIError {
        let status = error.status.code
        let code: String
        switch status {
        case 401: code = "unauthorized"
        case 404: code = "not_found"
        case 429: code = "rate_limited"
        case 503: code = "at_capacity"
        case 500...599: code = "internal_error"
        default: code = "invalid_request"
        }
        return TTSAPIError(status: error.status, code: code, message: error.message,
                           retryable: [408, 429, 500, 502, 503, 504].contains(status),
                           retryAfterSeconds: error.headers[.retryAfter].flatMap { Int($0) })
    }
}

/// Whether a path belongs to the Text-to-Speech API (its errors use the TTS envelope).
func isTTSPath(_ path: String) -> Bool { path == "/v1/speech" || path.hasPrefix("/v1/speech/") || path == "/v1/ws" }

struct TTSOptions: Sendable {
    static let builtInVoices: [String: String] = [
        "aai-jane": "f3", "aai-alba": "f2", "aai-anna": "f1", "aai-charles": "m1", "aai-eve": "f4",
        "aai-george": "m3", "aai-jean": "m2", "aai-mary": "f5", "aai-michael": "m4", "aai-paul": "m6",
        "aai-vera": "f1",
    ]
    static let languages = ["english": "en", "spanish": "es", "german": "de", "french": "fr", "italian": "it", "portuguese": "pt"]
    static let sampleRates = [8000, 16000, 22050, 24000, 44100, 48000]
    static let bitRates = [32000, 48000, 64000, 96000, 128000]
    static let model = "assemblyai-tts-1"
    static let maxTextCharacters = 5000

    var voiceID = "aai-jane"
    var model = TTSOptions.model
    var language = "english"
    var sampleRate = 24000
    var encoding = "pcm_s16le"
    var container: String? = "raw"
    var bitRate: Int? = nil
    var cloned = false

    var espeakVoice: EspeakVoice {
        EspeakVoice(language: TTSOptions.languages[language] ?? "en",
                    variant: TTSOptions.builtInVoices[voiceID] ?? "m3")
    }

    var contentType: String {
        if encoding == "mp3" { return "audio/mpeg" }
        if container == "wav" { return "audio/wav" }
        let kind = encoding == "pcm_mulaw" ? "pcmu" : encoding == "pcm_alaw" ? "pcma" : "pcm"
        return "audio/\(kind);rate=\(sampleRate);channels=1"
    }

    /// Reads the options of an HTTP body or a WebSocket query (values as JSON).
    /// `allowed` is the set of accepted fields; an unknown one is refused by name.
    init(_ fields: [String: JSON], allowed: Set<String>) throws(TTSAPIError) {
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalid(unknown, "\(unknown) is not a recognised parameter")
        }
        func string(_ key: String) throws(TTSAPIError) -> String? {
            guard let v = fields[key], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw .invalid(key, "\(key) must be a string") }
            return s
        }
        func int(_ key: String) throws(TTSAPIError) -> Int? {
            guard let v = fields[key], !v.isNull else { return nil }
            guard let i = v.intValue ?? v.stringValue.flatMap({ Int($0) }) else { throw .invalid(key, "\(key) must be an integer") }
            return i
        }
        if let v = try string("voice_id") {
            if TTSOptions.builtInVoices[v] != nil {
                voiceID = v
            } else if UUID(uuidString: v) != nil {
                voiceID = v.lowercased()
                cloned = true
            } else {
                throw TTSAPIError(status: .unprocessableContent, code: "voice_not_found",
                                  message: "voice_id '\(v)' does not name a voice of the library or of this account",
                                  param: "voice_id")
            }
        }
        if let v = try string("model_id") {
            guard v == TTSOptions.model else { throw .invalid("model_id", "model_id must be \(TTSOptions.model), got '\(v)'") }
            model = v
        }
        if let v = try string("language") {
            guard TTSOptions.languages[v.lowercased()] != nil else {
                throw .invalid("language", "language must be one of \(TTSOptions.languages.keys.sorted().joined(separator: ", ")), got '\(v)'")
            }
            language = v.lowercased()
        }
        if let v = try int("sample_rate") {
            guard TTSOptions.sampleRates.contains(v) else {
                throw .invalid("sample_rate", "sample_rate must be one of \(TTSOptions.sampleRates.map(String.init).joined(separator: ", ")), got \(v)")
            }
            sampleRate = v
        }
        if let v = try string("encoding") {
            switch v {
            case "pcm_s16le", "pcm_mulaw", "pcm_alaw", "mp3": encoding = v
            case "mulaw": encoding = "pcm_mulaw"
            case "alaw": encoding = "pcm_alaw"
            default: throw .invalid("encoding", "encoding must be one of pcm_s16le, pcm_mulaw, pcm_alaw, mp3, got '\(v)'")
            }
        }
        if let v = try string("container") {
            guard v == "raw" || v == "wav" else { throw .invalid("container", "container must be raw or wav, got '\(v)'") }
            guard encoding != "mp3" else { throw .invalid("container", "container applies to pcm_s16le, pcm_mulaw and pcm_alaw only") }
            container = v
        }
        if encoding == "mp3" { container = nil }
        if let v = try int("bit_rate") {
            guard encoding == "mp3" else { throw .invalid("bit_rate", "bit_rate applies to encoding mp3 only") }
            guard TTSOptions.bitRates.contains(v), sampleRate != 8000 || v <= 64000 else {
                throw .invalid("bit_rate", "bit_rate must be one of \(TTSOptions.bitRates.map(String.init).joined(separator: ", ")) (at most 64000 at 8 kHz), got \(v)")
            }
            bitRate = v
        } else if encoding == "mp3" {
            bitRate = 64000
        }
        if encoding == "mp3", let why = MP3Encoder.unavailableReason {
            // LAME (libmp3lame0) is opened at run time (TTS/MP3Encoder.swift).
            throw .invalid("encoding", why)
        }
        if let v = fields["extend_biometric_consent"], !v.isNull {
            guard let b = v.boolValue else { throw .invalid("extend_biometric_consent", "extend_biometric_consent must be a boolean") }
            if b, !cloned { throw TTSAPIError(status: .unprocessableContent, code: "not_owner", message: "extend_biometric_consent applies to a cloned voice the account owns", param: "extend_biometric_consent") }
        }
    }

    /// The X-TTS-* headers of a 200.
    func headers(requestID: String, billed: Int, durationMs: Int?) -> HTTPFields {
        var h = HTTPFields()
        func set(_ name: String, _ value: String) { h[HTTPField.Name(name)!] = value }
        set("X-Request-Id", requestID)
        set("X-TTS-Region", "local")
        set("X-TTS-Model", model)
        set("X-TTS-Voice-Id", voiceID)
        set("X-TTS-Voice", cloned ? "custom" : String(voiceID.dropFirst(4)))
        set("X-TTS-Language", language)
        set("X-TTS-Encoding", encoding)
        set("X-TTS-Sample-Rate", String(sampleRate))
        if let container { set("X-TTS-Container", container) }
        if let bitRate { set("X-TTS-Bit-Rate", String(bitRate)) }
        set("X-TTS-Billed-Characters", String(billed))
        if cloned { set("X-TTS-Voice-Expires-At", String(Int(Date().timeIntervalSince1970) + 60 * 86_400)) }
        if let durationMs { set("X-TTS-Audio-Duration-Ms", String(durationMs)) }
        h[.contentType] = contentType
        return h
    }
}
