// The deterministic transcription of a streaming session: which messages the server sends for
// the audio received so far. Pure logic (no I/O, no clock except `created` stamps), shared by
// both protocols; docs/local-server-streaming.md states the rules, keep them in step.
//
//   R = audio received, in ms (bytes * 1000 / (sample_rate * bytes per sample), rounded down).
//   A word is heard once R >= its end.
//   An utterance (v2) / turn (v3) ends at word j, the first word of the current one that is:
//     - a sentence end (. ? !) and R >= end_j + S, or
//     - the last word of the text and R >= end_j + L,
//   where v2: S = L = end_utterance_silence_threshold (default 700);
//         v3: S = min_turn_silence (default 400; u3-rt-pro 100), L = max_turn_silence
//             (default 1280; u3-rt-pro 1000).
//   ForceEndpoint / force_end_utterance ends the current one at once with the words heard.
//   Terminate ends it with the words heard, if any.

import Foundation

enum StreamProtocol: String, Sendable { case v2, v3 }

struct StreamTranscriberConfig: Sendable {
    var protocolVersion: StreamProtocol
    var sampleRate: Int
    var bytesPerSample: Int
    // v2
    var silenceThresholdMs = 700
    var disablePartials = false
    var extraSessionInformation = false
    // v3
    var minTurnSilenceMs = 400
    var maxTurnSilenceMs = 1280
    var formatTurns = false
    var u3Pro = false
    var languageDetection = false
    var speakerLabels = false
    /// acknowledge_silence (u3-rt-pro): Silence messages for each second without a word.
    var acknowledgeSilence = false
    /// llm_gateway: an LLMGatewayResponse after each end-of-turn (the parameter's object).
    var llmGateway: JSON?
    /// opus / ogg_opus / aac: the audio is counted (duration from its own headers), not transcribed.
    var compressed: String?
}

struct StreamTranscriber {
    var config: StreamTranscriberConfig
    private(set) var receivedBytes = 0
    private var decoder: EmbeddedTextDecoder
    private var words: [StreamWord] = []
    /// First word of the current utterance/turn.
    private var first = 0
    private var turnOrder = 0
    private var lastPartialKey: [Int] = []
    private var speechStartedFor = -1
    private var anyFinal = false
    /// End of the last final's last word (an empty final's audio_start).
    private var lastFinalEnd: Int?
    /// acknowledge_silence: where the next Silence stretch starts (ms of audio).
    private var silenceFrom = 0
    /// speaker_labels: final turns labelled UNKNOWN (too short), waiting for a SpeakerRevision.
    private var unknownTurns: [(order: Int, words: [StreamWord], formatted: Bool)] = []
    /// Compressed audio: its duration in ms as its headers give it (set by the endpoint).
    var compressedMs = 0

    init(config: StreamTranscriberConfig) {
        self.config = config
        decoder = EmbeddedTextDecoder(bytesPerSample: config.bytesPerSample)
    }

    var receivedMs: Int {
        config.compressed != nil ? compressedMs : receivedBytes * 1000 / max(1, config.sampleRate * config.bytesPerSample)
    }
    var text: String? { decoder.text }
    /// Whether the audio carried embedded text (then the recogniser is not used).
    var hasEmbeddedText: Bool { decoder.text != nil }

    /// Takes audio; returns the messages it causes.
    mutating func audio(_ bytes: some Collection<UInt8>) -> [JSON] {
        receivedBytes += bytes.count
        if config.compressed == nil, decoder.text == nil {
            decoder.feed(bytes)
            if let text = decoder.text { words = StreamWord.layout(text: text, spanMs: decoder.spanMs) }
        }
        return advance()
    }

    private mutating func advance() -> [JSON] {
        var out: [JSON] = []
        let r = receivedMs
        // Finals whose silence has passed.
        while first < words.count {
            var endAt: Int?
            for j in first..<words.count {
                let w = words[j]
                if w.end > r { break }
                let sentenceSilence = config.protocolVersion == .v2 ? config.silenceThresholdMs : config.minTurnSilenceMs
                let lastSilence = config.protocolVersion == .v2 ? config.silenceThresholdMs : config.maxTurnSilenceMs
                if w.endsSentence && r >= w.end + sentenceSilence { endAt = j; break }
                if j == words.count - 1 && r >= w.end + lastSilence { endAt = j; break }
            }
            guard let j = endAt else { break }
            out += final(first...j, byPunctuation: words[j].endsSentence)
            first = j + 1
        }
        // u3-rt-pro acknowledge_silence: a Silence for each whole second of audio in which no word
        // is heard (from the end of the last word heard, or the last Silence).
        if config.u3Pro, config.acknowledgeSilence {
            while true {
                if let next = words.first(where: { $0.end > silenceFrom }), next.start < silenceFrom + 1000 {
                    guard r >= next.end else { break }
                    silenceFrom = next.end
                    continue
                }
                guard r >= silenceFrom + 1000 else { break }
                out.append(.object(["type": .string("Silence"), "start_ms": .int(silenceFrom), "end_ms": .int(silenceFrom + 1000)]))
                silenceFrom += 1000
            }
        }
        // u3-rt-pro: SpeechStarted once the first word of a turn starts.
        if config.u3Pro, first < words.count, speechStartedFor != first, r > words[first].start {
            speechStartedFor = first
            out.append(.object(["type": .string("SpeechStarted"), "timestamp": .int(words[first].start), "confidence": .double(1.0)]))
        }
        // The partial: heard words of the current one (v3: plus the word being spoken).
        var heard: [Int] = []
        var i = first
        while i < words.count, words[i].end <= r { heard.append(i); i += 1 }
        let inProgress = config.protocolVersion == .v3 && i < words.count && words[i].start < r ? i : nil
        let key = heard + (inProgress.map { [-1 - $0] } ?? [])
        if !key.isEmpty, key != lastPartialKey {
            lastPartialKey = key
            if config.protocolVersion == .v2 {
                if !config.disablePartials { out.append(v2Transcript(heard.map { words[$0] }, final: false)) }
            } else {
                out.append(v3Turn(heard.map { words[$0] }, inProgress: inProgress.map { words[$0] }, endOfTurn: false,
                                  formatted: false, byPunctuation: false))
            }
        }
        return out
    }

    /// ForceEndpoint / force_end_utterance: ends the current one with what was heard (an empty
    /// final when nothing was).
    mutating func forceEndpoint() -> [JSON] {
        let r = receivedMs
        var j = first
        while j < words.count, words[j].end <= r { j += 1 }
        let out: [JSON]
        if j > first {
            out = final(first...(j - 1), byPunctuation: false)
        } else {
            out = emptyFinal()
        }
        first = j
        lastPartialKey = []
        return out
    }

    /// Terminate: the words heard and not yet final, as a final; an empty final when the session
    /// got audio but never produced a transcript.
    mutating func terminate() -> [JSON] {
        let r = receivedMs
        var j = first
        while j < words.count, words[j].end <= r { j += 1 }
        if j > first {
            let out = final(first...(j - 1), byPunctuation: false)
            first = j
            return out
        }
        if !anyFinal, receivedBytes > 0 { return emptyFinal() }
        return []
    }

    // MARK: recognised speech (Recognition/StreamRecognition.swift)

    /// A partial from the speech recogniser: the words of the current utterance/turn so far.
    mutating func recognizedPartial(_ recognized: [RecognizedWord]) -> [JSON] {
        let ws = recognized.map(StreamWord.init(recognized:))
        guard !ws.isEmpty else { return [] }
        var out: [JSON] = []
        if config.u3Pro, speechStartedFor != turnOrder {
            speechStartedFor = turnOrder
            out.append(.object(["type": .string("SpeechStarted"), "timestamp": .int(ws[0].start), "confidence": .double(1.0)]))
        }
        if config.protocolVersion == .v2 {
            if !config.disablePartials { out.append(v2Transcript(ws, final: false)) }
        } else {
            out.append(v3Turn(Array(ws.dropLast()), inProgress: ws.last, endOfTurn: false, formatted: false, byPunctuation: false))
        }
        return out
    }

    /// A final from the speech recogniser (the end of an utterance/turn found at a pause, or
    /// forced); an empty one only when it was forced.
    mutating func recognizedFinal(_ recognized: [RecognizedWord], byPunctuation: Bool) -> [JSON] {
        let ws = recognized.map(StreamWord.init(recognized:))
        if ws.isEmpty { return emptyFinal() }
        return final(ws, byPunctuation: byPunctuation)
    }

    private mutating func emptyFinal() -> [JSON] {
        anyFinal = true
        if config.protocolVersion == .v2 { return [v2Transcript([], final: true)] }
        var out = [v3Turn([], inProgress: nil, endOfTurn: true, formatted: config.u3Pro, byPunctuation: false)]
        if config.formatTurns && !config.u3Pro { out.append(v3Turn([], inProgress: nil, endOfTurn: true, formatted: true, byPunctuation: false)) }
        turnOrder += 1
        return out
    }

    private mutating func final(_ range: ClosedRange<Int>, byPunctuation: Bool) -> [JSON] {
        lastPartialKey = []
        return final(range.map { words[$0] }, byPunctuation: byPunctuation)
    }

    private mutating func final(_ indexes: [StreamWord], byPunctuation: Bool) -> [JSON] {
        anyFinal = true
        defer { lastFinalEnd = indexes.last?.end ?? lastFinalEnd }
        if config.protocolVersion == .v2 { return [v2Transcript(indexes, final: true)] }
        var out: [JSON] = []
        if config.u3Pro {
            out.append(v3Turn(indexes, inProgress: nil, endOfTurn: true, formatted: true, byPunctuation: byPunctuation))
        } else {
            out.append(v3Turn(indexes, inProgress: nil, endOfTurn: true, formatted: false, byPunctuation: byPunctuation))
            if config.formatTurns { out.append(v3Turn(indexes, inProgress: nil, endOfTurn: true, formatted: true, byPunctuation: byPunctuation)) }
        }
        let formatted = config.u3Pro || config.formatTurns
        if config.speakerLabels, !indexes.isEmpty {
            // A turn too short to be labelled (UNKNOWN) is revised by the next labelled turn.
            let label = speakerLabel(indexes)
            if label == "UNKNOWN" {
                unknownTurns.append((turnOrder, indexes, formatted))
            } else if !unknownTurns.isEmpty {
                out.append(.object(["type": .string("SpeakerRevision"), "revisions": .array(unknownTurns.map { turn in
                    .object(["turn_order": .int(turn.order), "speaker_label": .string(label),
                             "words": .array(turn.words.map { w in
                                 .object(["text": .string(turn.formatted ? w.original : w.plain), "start": .int(w.start), "end": .int(w.end),
                                          "confidence": .double(w.confidence), "word_is_final": .bool(true), "speaker": .string(label)])
                             })])
                })]))
                unknownTurns = []
            }
        }
        if let gateway = config.llmGateway, !indexes.isEmpty {
            out.append(llmResponse(indexes.map { formatted ? $0.original : $0.plain }.joined(separator: " "), gateway))
        }
        turnOrder += 1
        return out
    }

    /// The speaker label of a final turn: UNKNOWN when it spans under a second.
    private func speakerLabel(_ ws: [StreamWord]) -> String {
        let span = (ws.last?.end ?? 0) - (ws.first?.start ?? 0)
        return ws.isEmpty || span < 1000 ? "UNKNOWN" : ws[0].speaker
    }

    /// llm_gateway: the turn's transcript through the gateway's model, as a chat completion whose
    /// answer is the transcript cut to max_tokens words (as the local LLM Gateway answers).
    private func llmResponse(_ transcript: String, _ gateway: JSON) -> JSON {
        let maxTokens = gateway["max_tokens"]?.intValue ?? 1000
        let words = transcript.split(separator: " ")
        let content = words.prefix(max(0, maxTokens)).joined(separator: " ")
        let data: JSON = .object([
            "request_id": .string("streaming-llm-\(turnOrder)"),
            "model": gateway["model"] ?? .null,
            "choices": .array([.object(["index": .int(0), "message": .object(["role": .string("assistant"), "content": .string(content)]),
                                        "finish_reason": .string(words.count > maxTokens ? "length" : "stop")])]),
            "usage": .object(["input_tokens": .int(words.count), "output_tokens": .int(min(words.count, max(0, maxTokens))),
                              "total_tokens": .int(words.count + min(words.count, max(0, maxTokens)))]),
        ])
        return .object(["type": .string("LLMGatewayResponse"), "turn_order": .int(turnOrder), "transcript": .string(transcript), "data": data])
    }

    /// Heartbeat's max_speech_probability for the audio from `fromMs` to now: 1 when a word is
    /// heard in it (with embedded text), else 0.
    func speechProbability(fromMs: Int) -> Double {
        let r = receivedMs
        return words.contains { $0.start < r && $0.end > fromMs } ? 1 : 0
    }

    // MARK: messages

    private func v2Transcript(_ ws: [StreamWord], final: Bool) -> JSON {
        let texts = ws.map { final ? $0.original : $0.plain }
        let confidences = ws.map(\.confidence)
        var o: [String: JSON] = [
            "message_type": .string(final ? "FinalTranscript" : "PartialTranscript"),
            "audio_start": .int(ws.first?.start ?? (lastFinalEnd ?? 0)),
            "audio_end": .int(ws.last?.end ?? receivedMs),
            "confidence": .double(AudioText.mean(confidences) ?? 0),
            "text": .string(texts.joined(separator: " ")),
            "words": .array(zip(ws, texts).map { w, t in
                .object(["start": .int(w.start), "end": .int(w.end), "confidence": .double(w.confidence), "text": .string(t)])
            }),
            "created": .string(StreamTranscriber.createdStamp()),
        ]
        if final {
            o["punctuated"] = .bool(true)
            o["text_formatted"] = .bool(true)
        }
        return .object(o)
    }

    private func v3Turn(_ ws: [StreamWord], inProgress: StreamWord?, endOfTurn: Bool, formatted: Bool, byPunctuation: Bool) -> JSON {
        let texts = ws.map { formatted ? $0.original : $0.plain }
        var wordList: [JSON] = zip(ws, texts).map { w, t in
            .object(["text": .string(t), "start": .int(w.start), "end": .int(w.end), "confidence": .double(w.confidence),
                     "word_is_final": .bool(true)])
        }
        if let w = inProgress {
            wordList.append(.object(["text": .string(w.plain), "start": .int(w.start), "end": .int(w.end),
                                     "confidence": .double(w.confidence), "word_is_final": .bool(false)]))
        }
        let transcript = texts.joined(separator: " ")
        var o: [String: JSON] = [
            "type": .string("Turn"),
            "turn_order": .int(turnOrder),
            "turn_is_formatted": .bool(formatted),
            "end_of_turn": .bool(endOfTurn),
            "transcript": .string(transcript),
            "end_of_turn_confidence": .double(endOfTurn ? (byPunctuation || config.u3Pro ? 1.0 : 0.5) : 0.0),
            "words": .array(wordList),
            "utterance": .string(endOfTurn ? transcript : ""),
        ]
        if config.languageDetection, endOfTurn {
            o["language_code"] = .string("en")
            o["language_confidence"] = .double(1.0)
        }
        if config.speakerLabels {
            let label = speakerLabel(ws)
            o["speaker_label"] = .string(label)
            // Each word's speaker (1.8.2's Word.speaker): the turn's label.
            wordList = wordList.map { w in
                guard case .object(var wo) = w else { return w }
                wo["speaker"] = .string(label)
                return .object(wo)
            }
            o["words"] = .array(wordList)
        }
        return .object(o)
    }

    /// v2 `created`: local time without zone, microseconds ("2023-05-24T08:09:10.161850").
    static func createdStamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(tv.tv_usec))
    }
}
