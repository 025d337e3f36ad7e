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
    if !e.words.isEmpty, let raw = malloc(MemoryLayout<aai_streaming_word>.stride * e.words.count) {
        allocations.append(raw)
        let words = raw.bindMemory(to: aai_streaming_word.self, capacity: e.words.count)
        for (i, w) in e.words.enumerated() {
            words[i] = aai_streaming_word(text: cstr(w.text), start: w.start, end: w.end, confidence: w.confidence,
                                          is_final: w.isFinal ? 1 : 0)
        }
        c.words = UnsafePointer(words)
        c.word_count = e.words.count
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
    withUnsafePointer(to: &c) { body($0) }
    for p in allocations { free(p) }
}
