// Speech recognition of a streaming session (docs/local-server-streaming.md, "Recognised
// speech"). A session whose audio carries embedded text (the AAIT frame) keeps the
// deterministic rules; otherwise, once `decideAfterMs` of audio came without a frame (or at
// once with --recognition speech), the audio goes to the recogniser, whose partials and finals
// (a final at a pause found by voice-activity detection) the session turns into messages.
// Used only from the session actor, one call at a time; events arrive through `events`, in order.

import Foundation

final class StreamRecognition: @unchecked Sendable {
    enum State { case undecided, embedded, recognizing, off }

    /// Audio without an embedded-text frame after this long goes to the recogniser.
    static let decideAfterMs = 300

    let recognizer: Recognizer?
    let mode: RecognitionMode
    private(set) var state: State
    private var pending: [UInt8] = []
    private var stream: RecognizerStream?
    let events: AsyncStream<RecognizerStreamEvent>
    private let continuation: AsyncStream<RecognizerStreamEvent>.Continuation

    init(recognizer: Recognizer?, mode: RecognitionMode) {
        self.recognizer = recognizer
        self.mode = mode
        state = recognizer == nil || mode == .comment ? .off : .undecided
        (events, continuation) = AsyncStream.makeStream(of: RecognizerStreamEvent.self)
    }

    var isRecognizing: Bool { state == .recognizing }

    enum Refusal: Error { case atCapacity }

    /// Takes the audio the session received (after the transcriber saw it). Throws `atCapacity`
    /// when the session should be recognised but every stream place is taken.
    func audio(_ bytes: [UInt8], config: StreamTranscriberConfig, receivedMs: Int, hasEmbeddedText: Bool) throws {
        switch state {
        case .off, .embedded:
            return
        case .recognizing:
            if hasEmbeddedText && mode != .speech {
                // A frame found late: the deterministic rules take over.
                stream?.cancel()
                stream = nil
                state = .embedded
                return
            }
            stream?.audio(bytes)
        case .undecided:
            if hasEmbeddedText && mode != .speech {
                state = .embedded
                pending = []
                return
            }
            pending += bytes
            guard mode == .speech || receivedMs >= Self.decideAfterMs, let recognizer else { return }
            // Silence (or only embedded-text bits) so far: wait for sound before starting the
            // recogniser, keeping the last 2 s of lead-in.
            let silent = config.bytesPerSample == 1 ? Silence.isSilentMulaw(pending) : Silence.isSilentPCM16(pending)
            if silent {
                let keep = 2 * config.sampleRate * config.bytesPerSample
                if pending.count > keep { pending.removeFirst(pending.count - keep) }
                return
            }
            let silences = Self.silences(config)
            let continuation = continuation
            guard let s = recognizer.openStream(sampleRate: config.sampleRate, encoding: config.bytesPerSample == 1 ? "pcm_mulaw" : "pcm_s16le",
                                                minSilenceMs: silences.min, maxSilenceMs: silences.max,
                                                onEvent: { continuation.yield($0) }) else {
                state = .off
                throw Refusal.atCapacity
            }
            stream = s
            state = .recognizing
            s.audio(pending)
            pending = []
        }
    }

    /// The pauses that end a turn: v2 end_utterance_silence_threshold for both; v3
    /// min_turn_silence (after a sentence end) and max_turn_silence.
    static func silences(_ c: StreamTranscriberConfig) -> (min: Int, max: Int) {
        c.protocolVersion == .v2 ? (c.silenceThresholdMs, c.silenceThresholdMs) : (c.minTurnSilenceMs, c.maxTurnSilenceMs)
    }

    func configure(_ config: StreamTranscriberConfig) {
        let s = Self.silences(config)
        stream?.configure(minSilenceMs: s.min, maxSilenceMs: s.max)
    }

    func forceEndpoint() { stream?.forceEndpoint() }

    /// Asks for the last final; `.closed` (or `.failed`) follows on `events`.
    func finish() { stream?.finish() }

    /// Stops recognising (the session is over); ends `events`.
    func cancel() {
        stream?.cancel()
        stream = nil
        continuation.finish()
    }
}

extension StreamWord {
    init(recognized w: RecognizedWord) {
        var trimmed = Substring(w.text)
        while let last = trimmed.last, "\"')]}»”’".contains(last) { trimmed.removeLast() }
        self.init(original: w.text, plain: AudioText.stripPunctuation(w.text).lowercased(), start: w.start, end: w.end,
                  confidence: w.confidence, speaker: "A", endsSentence: trimmed.last.map { ".?!".contains($0) } ?? false)
    }
}
