import AssemblyAI
import CAssemblyAI
import Glibc
import Synchronization

/// The object behind an `aai_streaming` handle: the core session, plus the C strings handed out
/// as "borrowed" (kept until the handle is freed).
final class StreamingHandle: Sendable {
    let session: StreamingSession
    private let borrowed = Mutex<[String: UnsafeMutablePointer<CChar>]>([:])

    init(session: StreamingSession) { self.session = session }

    /// A C copy of `s` that lives as long as the handle (one copy per distinct value).
    func borrowedCString(_ s: String) -> UnsafePointer<CChar>? {
        borrowed.withLock { table in
            if let p = table[s] { return UnsafePointer(p) }
            guard let p = strdup(s) else { return nil }
            table[s] = p
            return UnsafePointer(p)
        }
    }

    deinit {
        borrowed.withLock { table in for p in table.values { free(p) } }
    }
}

/// Builds the C view of an event, calls `body` with it, and frees everything afterwards: every
/// pointer in the struct is valid only during the callback, as the header says.
func withCEvent(_ e: StreamingEvent, _ body: (UnsafePointer<aai_streaming_event>) -> Void) {
    var allocations: [UnsafeMutableRawPointer] = []
    func cstr(_ s: String?) -> UnsafePointer<CChar>? {
        guard let s, let p = strdup(s) else { return nil }
        allocations.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
    }
    var c = aai_streaming_event()
    c.type = aai_streaming_event_type(rawValue: UInt32(e.kind.rawValue))
    c.protocol = aai_streaming_protocol(rawValue: UInt32(e.protocolVersion.rawValue))
    if !e.json.isEmpty, let p = malloc(e.json.count + 1) {
        allocations.append(p)
        e.json.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: e.json.count) }
        p.storeBytes(of: 0, toByteOffset: e.json.count, as: UInt8.self)
        c.json = UnsafePointer(p.assumingMemoryBound(to: CChar.self))
        c.json_length = e.json.count
    }
    c.session_id = cstr(e.sessionID)
    c.expires_at = e.expiresAt
    c.text = cstr(e.text)
    /// The C words of `list`, and their speakers (nil when no word has one).
    func cwords(_ list: [StreamingWord]) -> (UnsafePointer<aai_streaming_word>?, UnsafePointer<UnsafePointer<CChar>?>?) {
        guard !list.isEmpty, let raw = malloc(MemoryLayout<aai_streaming_word>.stride * list.count) else { return (nil, nil) }
        allocations.append(raw)
        let words = raw.bindMemory(to: aai_streaming_word.self, capacity: list.count)
        for (i, w) in list.enumerated() {
            words[i] = aai_streaming_word(text: cstr(w.text), start: w.start, end: w.end, confidence: w.confidence,
                                          is_final: w.isFinal ? 1 : 0)
        }
        var speakers: UnsafePointer<UnsafePointer<CChar>?>?
        if list.contains(where: { $0.speaker != nil }),
           let rawSpeakers = malloc(MemoryLayout<UnsafePointer<CChar>?>.stride * list.count) {
            allocations.append(rawSpeakers)
            let table = rawSpeakers.bindMemory(to: UnsafePointer<CChar>?.self, capacity: list.count)
            for (i, w) in list.enumerated() { table[i] = cstr(w.speaker) }
            speakers = UnsafePointer(table)
        }
        return (UnsafePointer(words), speakers)
    }
    if !e.words.isEmpty {
        (c.words, c.word_speakers) = cwords(e.words)
        c.word_count = c.words == nil ? 0 : e.words.count
    }
    c.audio_start = e.audioStart
    c.audio_end = e.audioEnd
    c.confidence = e.confidence
    c.punctuated = e.punctuated ? 1 : 0
    c.text_formatted = e.textFormatted ? 1 : 0
    c.turn_order = e.turnOrder
    c.end_of_turn = e.endOfTurn ? 1 : 0
    c.turn_is_formatted = e.turnIsFormatted ? 1 : 0
    c.end_of_turn_confidence = e.endOfTurnConfidence
    c.utterance = cstr(e.utterance)
    c.language_code = cstr(e.languageCode)
    c.language_confidence = e.languageConfidence
    c.speaker_label = cstr(e.speakerLabel)
    c.timestamp = e.timestamp
    c.audio_duration_seconds = e.audioDurationSeconds
    c.session_duration_seconds = e.sessionDurationSeconds
    c.status = e.error.map { aai_status(rawValue: UInt32(bitPattern: $0.code.rawValue)) } ?? AAI_OK
    c.close_code = Int32(e.closeCode)
    c.close_reason = e.kind == .closed || e.kind == .error ? cstr(e.closeReason ?? "") : nil
    c.code = e.code
    c.received_ns = e.receivedNs
    c.model = cstr(e.model)
    c.mode = cstr(e.mode)
    c.api_version = cstr(e.apiVersion)
    c.total_audio_received_ms = e.totalAudioReceivedMs
    c.total_duration_ms = e.totalDurationMs
    c.realtime_factor = e.realtimeFactor
    c.max_speech_probability = e.maxSpeechProbability
    if let data = e.dataJSON {
        c.data_json = cstr(data)
        c.data_json_length = c.data_json == nil ? 0 : data.utf8.count
    }
    if !e.revisions.isEmpty, let raw = malloc(MemoryLayout<aai_streaming_speaker_revision>.stride * e.revisions.count) {
        allocations.append(raw)
        let table = raw.bindMemory(to: aai_streaming_speaker_revision.self, capacity: e.revisions.count)
        for (i, r) in e.revisions.enumerated() {
            let (words, speakers) = cwords(r.words)
            table[i] = aai_streaming_speaker_revision(turn_order: r.turnOrder, speaker_label: cstr(r.speakerLabel), words: words,
                                                      word_count: words == nil ? 0 : r.words.count, word_speakers: speakers)
        }
        c.revisions = UnsafePointer(table)
        c.revision_count = e.revisions.count
    }
    withUnsafePointer(to: &c) { body($0) }
    for p in allocations { free(p) }
}
