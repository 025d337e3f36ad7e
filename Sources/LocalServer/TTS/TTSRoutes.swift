// Text-to-Speech over HTTP, served on this same server (the real API's host is
// tts.us.assemblyai.com or tts.eu.assemblyai.com; point a client's TTS base URL here):
//   POST /v1/speech          {"text", voice_id, model_id, language, sample_rate, encoding,
//                             container, bit_rate, extend_biometric_consent, "stream"}
//       stream false (the default): the whole clip, with X-TTS-Audio-Duration-Ms.
//       stream true: 200 and the headers once the first audio exists, then the audio as
//       espeak-ng produces it (chunked; a WAV's size fields are all ones).
//   POST /v1/speech/events   same body: Server-Sent Events (text/event-stream), one per piece:
//       event: audio            data: {"type": "Audio", "audio": "<base64>"}
//       event: word_boundaries  data: {"type": "WordBoundaries", "audio_start_ms": 0,
//                                      "words": [{"word", "start", "end", "confidence"}]}
//       event: done             data: {"type": "Done", "audio_duration_ms", "billed_characters"}
//       event: error            data: {"type": "Error", ...the error envelope}
//     Word timings are in ms from the start of the audio, one per whitespace-delimited token of
//     the text (verbatim), sent as soon as each word's end is known (the next word's start).
// Refusals use the TTS envelope (TTSOptions.swift). Auth, recording and faults come from the
// router's middlewares like every route's.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

struct TTSRoutes: RouteGroup {
    let state: ServerState

    static let bodyFields: Set<String> = ["text", "voice_id", "model_id", "language", "sample_rate", "encoding", "container",
                                           "bit_rate", "extend_biometric_consent", "stream"]

    func register(on router: Router<ServerContext>) {
        router.post("/v1/speech") { _, context in
            let (text, options, stream) = try Self.parse(context)
            let requestID = UUID().uuidString.lowercased()
            let encoder = try SpeechEncoder(options)
            let pieces = TTSSynthesis.start(text: text, options: options)
            let billed = text.unicodeScalars.count
            if !stream {
                var audio: [UInt8] = []
                var duration = 0
                for try await piece in pieces {
                    switch piece {
                    case .samples(let s): audio += encoder.encode(s)
                    case .words: break
                    case .done(let ms): duration = ms
                    }
                }
                audio += encoder.finish()
                if options.container == "wav" {
                    audio = SpeechCodec.wavHeader(sampleRate: options.sampleRate, encoding: options.encoding, dataBytes: audio.count) + audio
                }
                return Response(status: .ok, headers: options.headers(requestID: requestID, billed: billed, durationMs: duration),
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: audio)))
            }
            // The API commits to 200 with the first audio: wait for it (or for the end).
            let iterator = PieceIterator(pieces.makeAsyncIterator())
            var first: [UInt8] = options.container == "wav"
                ? SpeechCodec.wavHeader(sampleRate: options.sampleRate, encoding: options.encoding, dataBytes: nil) : []
            var durationMs: Int? = nil
            while durationMs == nil, let piece = try await iterator.next() {
                if case .samples(let s) = piece { first += encoder.encode(s); break }
                if case .done(let ms) = piece { durationMs = ms }
            }
            let head = first
            return Response(status: .ok, headers: options.headers(requestID: requestID, billed: billed, durationMs: durationMs),
                            body: ResponseBody { writer in
                                if !head.isEmpty { try await writer.write(ByteBuffer(bytes: head)) }
                                while let piece = try await iterator.next() {
                                    if case .samples(let s) = piece {
                                        let bytes = encoder.encode(s)
                                        if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                                    }
                                }
                                let last = encoder.finish()
                                if !last.isEmpty { try await writer.write(ByteBuffer(bytes: last)) }
                                try await writer.finish(nil)
                            })
        }

        router.post("/v1/speech/events") { _, context in
            let (text, options, _) = try Self.parse(context)
            guard options.container != "wav" else {
                throw TTSAPIError.invalid("container", "the events route streams raw audio: container must be raw")
            }
            let requestID = UUID().uuidString.lowercased()
            let billed = text.unicodeScalars.count
            let encoder = try SpeechEncoder(options)
            let pieces = TTSSynthesis.start(text: text, options: options)
            var headers = options.headers(requestID: requestID, billed: billed, durationMs: nil)
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                func send(_ event: String, _ data: [String: JSON]) async throws {
                    try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(JSON.object(data).serialized())\n\n"))
                }
                do {
                    for try await piece in pieces {
                        switch piece {
                        case .samples(let s):
                            let bytes = encoder.encode(s)
                            guard !bytes.isEmpty else { break }   // mp3: no frame completed yet
                            try await send("audio", ["type": .string("Audio"), "audio": .string(Data(bytes).base64EncodedString())])
                        case .words(let words):
                            try await send("word_boundaries", [
                                "type": .string("WordBoundaries"), "audio_start_ms": .int(0),
                                "words": .array(words.map(TTSSynthesis.wordJSON)),
                            ])
                        case .done(let ms):
                            let last = encoder.finish()
                            if !last.isEmpty {
                                try await send("audio", ["type": .string("Audio"), "audio": .string(Data(last).base64EncodedString())])
                            }
                            try await send("done", ["type": .string("Done"), "audio_duration_ms": .int(ms), "billed_characters": .int(billed)])
                        }
                    }
                } catch let error as TTSAPIError {
                    var data = error.envelope
                    data["type"] = .string("Error")
                    try await send("error", data)
                }
                try await writer.finish(nil)
            })
        }
    }

    /// The text, options and `stream` flag of a speech request body.
    static func parse(_ context: ServerContext) throws -> (String, TTSOptions, Bool) {
        let body: JSON
        do { body = try context.jsonBody() } catch let error as APIError {
            throw TTSAPIError(status: .badRequest, code: "invalid_request", message: error.message)
        }
        guard var fields = body.objectValue else {
            throw TTSAPIError(status: .badRequest, code: "invalid_request", message: "the request body must be a JSON object")
        }
        guard let textValue = fields.removeValue(forKey: "text"), !textValue.isNull else {
            throw TTSAPIError.invalid("text", "text is required")
        }
        guard let text = textValue.stringValue else { throw TTSAPIError.invalid("text", "text must be a string") }
        let count = text.unicodeScalars.count
        guard count >= 1 else { throw TTSAPIError.invalid("text", "text must not be empty") }
        guard count <= TTSOptions.maxTextCharacters else {
            throw TTSAPIError.invalid("text", "text is \(count) characters, over the limit of \(TTSOptions.maxTextCharacters)")
        }
        var stream = false
        if let v = fields.removeValue(forKey: "stream"), !v.isNull {
            guard let b = v.boolValue else { throw TTSAPIError.invalid("stream", "stream must be a boolean") }
            stream = b
        }
        let options = try TTSOptions(fields, allowed: bodyFields)
        return (text, options, stream)
    }
}

/// A synthesis as an async sequence of pieces (shared by the HTTP, SSE and WebSocket routes).
enum TTSSynthesis {
    static func start(text: String, options: TTSOptions) -> AsyncThrowingStream<SpeechPiece, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: SpeechPiece.self)
        let gone = Locked(false)
        continuation.onTermination = { _ in gone.withLock { $0 = true } }
        let voice = options.espeakVoice
        let rate = options.sampleRate
        Task {
            let failure = await SpeechEngine.shared.synthesize(text: text, voice: voice, sampleRate: rate) { piece in
                if gone.withLock({ $0 }) { return false }
                continuation.yield(piece)
                return true
            }
            if let failure {
                continuation.finish(throwing: TTSAPIError(status: .internalServerError, code: "internal_error", message: failure, retryable: true))
            } else {
                continuation.finish()
            }
        }
        return stream
    }

    static func wordJSON(_ w: SpokenWord) -> JSON {
        .object(["word": .string(w.word), "start": .int(w.start), "end": .int(w.end), "confidence": .double(w.confidence)])
    }
}

/// An async iterator shared between the route and its body writer (one user at a time).
final class PieceIterator: @unchecked Sendable {
    private var base: AsyncThrowingStream<SpeechPiece, any Error>.AsyncIterator
    init(_ base: AsyncThrowingStream<SpeechPiece, any Error>.AsyncIterator) { self.base = base }
    func next() async throws -> SpeechPiece? { try await base.next() }
}
