import AssemblyAI
import CAssemblyAI
import Glibc
import Synchronization

/// A transcript behind a C handle: the immutable core transcript plus the C views of it (strings,
/// the word array), built on first use and freed with the handle.
final class CTranscript: Sendable {
    let core: Transcript
    private let cache = Mutex<Cache>(Cache())

    /// Raw memory owned by this object: freed in deinit, never before.
    private struct Cache: @unchecked Sendable {
        var strings: [String: UnsafeMutablePointer<CChar>?] = [:]
        /// The words as aai_word, only if the core's records were not laid out like it (a copy).
        var words: UnsafeMutablePointer<aai_word>? = nil
        var json: UnsafeMutablePointer<CChar>? = nil
        var jsonLength = 0
        /// The other C views (utterances, chapters, ...; see ResultFunctions.swift): a struct array
        /// each, keyed by name, all in one arena that lives as long as this transcript.
        var arena: CArena? = nil
        var views: [String: (base: UnsafeRawPointer?, count: Int)] = [:]
    }

    init(_ core: Transcript) { self.core = core }

    deinit {
        cache.withLock { c in
            for case let p? in c.strings.values { free(p) }
            c.words?.deallocate()
            free(c.json)
        }
    }

    /// A string field as a C string that lives as long as this transcript.
    func cString(_ key: String, _ make: (Transcript) -> String?) -> UnsafePointer<CChar>? {
        cache.withLock { c in
            if let cached = c.strings[key] { return cached.map { UnsafePointer($0) } }
            let p = make(core).flatMap { strdup($0) }
            c.strings[key] = p
            return p.map { UnsafePointer($0) }
        }
    }

    /// A C view of part of the transcript (a struct array and everything it points to), made by
    /// `build` in this transcript's arena on first use and returned unchanged afterwards.
    func view(_ key: String, _ build: (Transcript, CArena) -> (base: UnsafeRawPointer?, count: Int))
        -> (base: UnsafeRawPointer?, count: Int) {
        cache.withLock { c in
            if let built = c.views[key] { return built }
            let arena = c.arena ?? CArena()
            c.arena = arena
            let built = build(core, arena)
            c.views[key] = built
            return built
        }
    }

    /// The whole JSON text, NUL-terminated: the document's own bytes when they carry a NUL (every
    /// answer from the server does), otherwise a copy made once.
    func json() -> (UnsafePointer<CChar>, Int)? {
        let document = core.document
        if document.hasTrailingNUL {
            // The array is immutable and owned by the document, which this object keeps alive, so its
            // storage does not move.
            let base = document.bytes.withUnsafeBufferPointer { $0.baseAddress! }
            return (UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), document.length)
        }
        return cache.withLock { c in
            if c.json == nil {
                let bytes = document.bytes
                guard let p = malloc(bytes.count + 1)?.assumingMemoryBound(to: CChar.self) else { return nil }
                bytes.withUnsafeBytes { src in
                    if let base = src.baseAddress { memcpy(p, base, bytes.count) }
                }
                p[bytes.count] = 0
                c.json = p
                c.jsonLength = bytes.count
            }
            return (UnsafePointer(c.json!), c.jsonLength)
        }
    }

    /// The words as one C array: the core's word table (built once, shared with the local exports),
    /// whose records are laid out like aai_word; its texts and labels live as long as the transcript.
    func words() -> (UnsafePointer<aai_word>?, Int)? {
        let table = core.wordTable
        guard let records = table.records else { return (nil, 0) }
        if CTranscript.recordsAreCWords {
            return (UnsafeRawPointer(records).assumingMemoryBound(to: aai_word.self), table.count)
        }
        return cache.withLock { c in
            if c.words == nil {
                let words = UnsafeMutablePointer<aai_word>.allocate(capacity: table.count)
                for i in 0..<table.count {
                    let r = records[i]
                    words[i] = aai_word(text: r.text, start: r.start, end: r.end, confidence: r.confidence,
                                        speaker: r.speaker, channel: r.channel)
                }
                c.words = words
            }
            return (UnsafePointer(c.words), table.count)
        }
    }

    /// Whether WordTable.Record has aai_word's layout (Swift lays out such a struct in declaration
    /// order like C; checked rather than assumed).
    static let recordsAreCWords: Bool = {
        typealias R = WordTable.Record
        return MemoryLayout<R>.size == MemoryLayout<aai_word>.size && MemoryLayout<R>.stride == MemoryLayout<aai_word>.stride
            && MemoryLayout<R>.offset(of: \.text) == MemoryLayout<aai_word>.offset(of: \.text)
            && MemoryLayout<R>.offset(of: \.start) == MemoryLayout<aai_word>.offset(of: \.start)
            && MemoryLayout<R>.offset(of: \.end) == MemoryLayout<aai_word>.offset(of: \.end)
            && MemoryLayout<R>.offset(of: \.confidence) == MemoryLayout<aai_word>.offset(of: \.confidence)
            && MemoryLayout<R>.offset(of: \.speaker) == MemoryLayout<aai_word>.offset(of: \.speaker)
            && MemoryLayout<R>.offset(of: \.channel) == MemoryLayout<aai_word>.offset(of: \.channel)
    }()
}

/// Registers a core transcript and returns its new C handle.
func transcriptHandle(_ t: Transcript) -> OpaquePointer { HandleTable.shared.insert(CTranscript(t)) }

private func lookup(_ t: OpaquePointer?) -> CTranscript? { resolveInGetter(t, CTranscript.self, "transcript") }

@_cdecl("aai_transcript_free")
public func aai_transcript_free_impl(_ t: OpaquePointer?) {
    let large: Bool = {
        guard let object = HandleTable.shared.remove(t, as: CTranscript.self) else { return false }
        return object.core.document.length >= 1 << 20
    }()  // the transcript is freed here, unless a call on another thread still holds it
    // A large response body comes from malloc's heap once glibc has raised its mmap threshold
    // (it does after the first large free), and freed there it stays resident: hand it back,
    // so a freed 20 MB transcript does not leave 20 MB of RSS behind.
    if large { _ = glibcMallocTrim(0) }
}

/// glibc's malloc_trim (malloc.h is not part of the Glibc module).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32

@_cdecl("aai_transcript_id")
public func aai_transcript_id_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("id") { $0.id }
}

@_cdecl("aai_transcript_get_status")
public func aai_transcript_get_status_impl(_ t: OpaquePointer?) -> aai_transcript_status {
    guard let t = lookup(t) else { return AAI_TRANSCRIPT_UNKNOWN }
    switch t.core.status {
    case .queued: return AAI_TRANSCRIPT_QUEUED
    case .processing: return AAI_TRANSCRIPT_PROCESSING
    case .completed: return AAI_TRANSCRIPT_COMPLETED
    case .error: return AAI_TRANSCRIPT_ERROR
    case .other: return AAI_TRANSCRIPT_UNKNOWN
    }
}

@_cdecl("aai_transcript_status_text")
public func aai_transcript_status_text_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("status") { $0.statusText }
}

@_cdecl("aai_transcript_text")
public func aai_transcript_text_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("text") { $0.text }
}

@_cdecl("aai_transcript_error")
public func aai_transcript_error_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("error") { $0.error }
}

@_cdecl("aai_transcript_audio_url")
public func aai_transcript_audio_url_impl(_ t: OpaquePointer?) -> UnsafePointer<CChar>? {
    lookup(t)?.cString("audio_url") { $0.audioURL }
}

@_cdecl("aai_transcript_audio_duration")
public func aai_transcript_audio_duration_impl(_ t: OpaquePointer?) -> Double {
    lookup(t)?.core.audioDuration ?? -1
}

@_cdecl("aai_transcript_confidence")
public func aai_transcript_confidence_impl(_ t: OpaquePointer?) -> Double {
    lookup(t)?.core.confidence ?? -1
}

@_cdecl("aai_transcript_words")
public func aai_transcript_words_impl(_ t: OpaquePointer?, _ outWords: UnsafeMutablePointer<UnsafePointer<aai_word>?>?,
                                      _ outCount: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let words = try out(outWords, "words"), count = try out(outCount, "count")
        guard let (array, n) = try resolve(t, CTranscript.self, "transcript").words() else {
            throw AssemblyAIError(.noMemory, "out of memory building the word array")
        }
        words.pointee = array
        count.pointee = n
    }
}

@_cdecl("aai_transcript_json")
public func aai_transcript_json_impl(_ t: OpaquePointer?, _ outJSON: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                     _ outLength: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let json = try out(outJSON, "json"), length = try out(outLength, "length")
        guard let (p, n) = try resolve(t, CTranscript.self, "transcript").json() else {
            throw AssemblyAIError(.noMemory, "out of memory copying the transcript JSON")
        }
        json.pointee = p
        length.pointee = n
    }
}

@_cdecl("aai_transcript_get_json")
public func aai_transcript_get_json_impl(_ t: OpaquePointer?, _ pointer: UnsafePointer<CChar>?,
                                         _ outJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outJSON, "out")
        let path = try string(pointer, "json_pointer")
        let root = try resolve(t, CTranscript.self, "transcript").core.json
        guard let node = try root.resolve(jsonPointer: path) else {
            throw AssemblyAIError(.notFound, "the transcript has no value at JSON pointer '\(path)'")
        }
        target.pointee = try ownedCString(node.rawJSON)
    }
}
