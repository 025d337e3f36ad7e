import AssemblyAI
import CAssemblyAI
import Glibc
import Synchronization

/// A JSON answer behind a C handle, with its C view built once at creation (a subclass converts
/// the core's decoded value of the answer into `arena`). Immutable after init; the arena owns
/// every pointer the view hands out.
class CResponse: @unchecked Sendable {
    let response: JSONResponse
    let arena: CArena
    let jsonText: UnsafePointer<CChar>

    init(_ response: JSONResponse, arena: CArena = CArena()) {
        self.response = response
        self.arena = arena
        jsonText = arena.string(String(decoding: response.document.bytes.prefix(response.document.length), as: UTF8.self))
    }

    func json(_ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ length: UnsafeMutablePointer<Int>?) throws(AssemblyAIError) {
        let json = try AssemblyAIC.out(out, "json"), len = try AssemblyAIC.out(length, "length")
        json.pointee = jsonText
        len.pointee = response.document.length
    }
}

/// Sentences or paragraphs behind a C handle: from the server's answer, or computed locally from a
/// transcript's words (then each segment's words point into the transcript's own word array, and
/// the JSON is written only if asked for).
final class CSegments: @unchecked Sendable {
    let arena = CArena()
    private(set) var segments: UnsafePointer<aai_segment>? = nil
    private(set) var count = 0
    private let source: Any  // keeps the server answer, or the transcript whose words are pointed to
    private let makeJSON: () -> String
    private var jsonText: UnsafePointer<CChar>? = nil
    private var jsonLength = 0
    private let lock = Mutex(())

    /// The server's sentences or paragraphs (`segments`, decoded by the core from `response`).
    init(_ response: JSONResponse, _ values: [TranscriptSegment]) {
        source = response
        makeJSON = { String(decoding: response.document.bytes.prefix(response.document.length), as: UTF8.self) }
        var strings = CStrings(arena)
        let arena = self.arena
        segments = arena.array(values) { s in
            let (words, n) = arena.words(s.words, &strings)
            return aai_segment(text: strings.text(s.text), start: s.start, end: s.end, confidence: s.confidence,
                               speaker: strings.label(s.speaker), channel: strings.label(s.channel), words: words, word_count: n)
        }
        count = segments == nil ? 0 : values.count
    }

    init(local ranges: [Transcript.WordRange], of transcript: CTranscript, key: String) throws(AssemblyAIError) {
        source = transcript
        guard let (words, _) = transcript.words() else { throw AssemblyAIError(.noMemory, "out of memory building the word array") }
        makeJSON = { CSegments.json(ranges, transcript: transcript.core, key: key) }
        guard !ranges.isEmpty, let words else { return }
        let out = arena.array(aai_segment.self, count: ranges.count)!
        for r in ranges {
            out[count] = aai_segment(text: arena.string(r.text), start: r.start, end: r.end, confidence: r.confidence,
                                     speaker: arena.string(r.speaker), channel: nil, words: words + r.words.lowerBound,
                                     word_count: r.words.count)
            count += 1
        }
        segments = UnsafePointer(out)
    }

    /// A SentencesResponse / ParagraphsResponse for locally computed segments.
    private static func json(_ ranges: [Transcript.WordRange], transcript: Transcript, key: String) -> String {
        let words = transcript.json["words"]?.toValue().arrayValue ?? []
        var o = JSONObject()
        o["id"] = .string(transcript.id)
        o["confidence"] = .double(transcript.confidence ?? 0)
        o["audio_duration"] = transcript.json["audio_duration"]?.toValue() ?? .null
        o[key] = .array(ranges.map { r in
            var s = JSONObject()
            s["text"] = .string(r.text)
            s["start"] = .int(r.start)
            s["end"] = .int(r.end)
            s["confidence"] = .double(r.confidence)
            s["words"] = .array(Array(words[r.words]))
            s["speaker"] = r.speaker.map(JSONValue.string) ?? .null
            s["channel"] = .null
            return .object(s)
        })
        return JSONValue.object(o).serialized()
    }

    func json(_ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ length: UnsafeMutablePointer<Int>?) throws(AssemblyAIError) {
        let json = try AssemblyAIC.out(out, "json"), len = try AssemblyAIC.out(length, "length")
        let (p, n) = lock.withLock { _ -> (UnsafePointer<CChar>?, Int) in
            if jsonText == nil {
                let text = makeJSON()
                jsonText = arena.string(text)
                jsonLength = text.utf8.count
            }
            return (jsonText, jsonLength)
        }
        json.pointee = p
        len.pointee = n
    }
}

final class CWordSearch: @unchecked Sendable {
    let arena = CArena()
    private(set) var matches: UnsafePointer<aai_word_match>? = nil
    private(set) var count = 0
    let total: Int64

    private func add(_ n: Int) -> UnsafeMutablePointer<aai_word_match>? { arena.array(aai_word_match.self, count: n) }

    /// The server's answer, decoded by the core.
    init(_ result: WordSearchResult) {
        total = result.totalCount
        guard let out = arena.array(aai_word_match.self, count: result.matches.count) else { return }
        for m in result.matches {
            out[count] = entry(arena.string(m.text), m.count, m.timestamps.map { ($0.start, $0.end) }, m.indexes)
            count += 1
        }
        matches = UnsafePointer(out)
    }

    init(local results: [Transcript.WordMatch]) {
        total = Int64(results.reduce(0) { $0 + $1.count })
        guard let out = arena.array(aai_word_match.self, count: results.count) else { return }
        for m in results {
            out[count] = entry(arena.string(m.text), Int64(m.count), m.timestamps.map { ($0.start, $0.end) }, m.indexes.map(Int64.init))
            count += 1
        }
        matches = UnsafePointer(out)
    }

    private func entry(_ text: UnsafePointer<CChar>?, _ n: Int64, _ stamps: [(Int64, Int64)], _ indexes: [Int64]) -> aai_word_match {
        let ts = arena.array(aai_timestamp.self, count: stamps.count)
        for (i, s) in stamps.enumerated() { ts![i] = aai_timestamp(start: s.0, end: s.1) }
        let ix = arena.array(Int64.self, count: indexes.count)
        for (i, v) in indexes.enumerated() { ix![i] = v }
        return aai_word_match(text: text, count: n, timestamps: UnsafePointer(ts), timestamp_count: stamps.count,
                              indexes: UnsafePointer(ix), index_count: indexes.count)
    }
}

final class CTranscriptList: CResponse, @unchecked Sendable {
    let items: UnsafePointer<aai_transcript_list_item>?
    let count: Int
    let limit: Int32, resultCount: Int32
    let currentURL, prevURL, nextURL, beforeId: UnsafePointer<CChar>?

    /// A page as the core decodes it (``TranscriptList``); a string it lacks is NULL, a number -1.
    override init(_ response: JSONResponse, arena: CArena = CArena()) {
        let page = response.transcriptList
        limit = Int32(truncatingIfNeeded: page.limit ?? -1)
        resultCount = Int32(truncatingIfNeeded: page.resultCount ?? -1)
        currentURL = arena.string(page.currentURL)
        prevURL = arena.string(page.prevURL)
        nextURL = arena.string(page.nextURL)
        beforeId = arena.string(page.beforeIdOfPrevURL)
        items = arena.array(page.transcripts) { t in
            aai_transcript_list_item(id: arena.string(t.id), resource_url: arena.string(t.resourceURL), status: arena.string(t.status),
                                     created: arena.string(t.created), completed: arena.string(t.completed),
                                     audio_url: arena.string(t.audioURL), error: arena.string(t.error))
        }
        count = items == nil ? 0 : page.transcripts.count
        super.init(response, arena: arena)
    }
}

/// The C subtitle format as the core's, or an invalid-argument error.
private func subtitleFormat(_ format: aai_subtitle_format) throws(AssemblyAIError) -> SubtitleFormat {
    switch format {
    case AAI_SUBTITLES_SRT: return .srt
    case AAI_SUBTITLES_VTT: return .vtt
    default: throw AssemblyAIError(.invalidArgument, "format must be AAI_SUBTITLES_SRT or AAI_SUBTITLES_VTT")
    }
}

private func transcriberCall(_ t: OpaquePointer?, _ body: (Transcriber) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try body(try resolve(t, Transcriber.self, "transcriber")) }
}

@_cdecl("aai_transcriber_export_subtitles")
public func aai_transcriber_export_subtitles_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ format: aai_subtitle_format,
                                                  _ chars: Int32, _ o: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    transcriberCall(t) { (tr: Transcriber) throws(AssemblyAIError) in
        let target = try out(o, "out")
        let kind = try subtitleFormat(format)
        guard chars >= 0 else { throw AssemblyAIError(.invalidArgument, "chars_per_caption must be >= 0, got \(chars)") }
        target.pointee = try ownedCString(try tr.subtitles(id: try string(id, "transcript_id"), format: kind,
                                                             charsPerCaption: chars > 0 ? Int(chars) : nil))
    }
}

@_cdecl("aai_transcriber_get_sentences")
public func aai_transcriber_get_sentences_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriberCall(t) { (tr: Transcriber) throws(AssemblyAIError) in
        let target = try out(o, "out")
        let response = try tr.sentences(id: try string(id, "transcript_id"))
        target.pointee = HandleTable.shared.insert(CSegments(response, response.sentences))
    }
}

@_cdecl("aai_transcriber_get_paragraphs")
public func aai_transcriber_get_paragraphs_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriberCall(t) { (tr: Transcriber) throws(AssemblyAIError) in
        let target = try out(o, "out")
        let response = try tr.paragraphs(id: try string(id, "transcript_id"))
        target.pointee = HandleTable.shared.insert(CSegments(response, response.paragraphs))
    }
}

@_cdecl("aai_segments_get")
public func aai_segments_get_impl(_ h: OpaquePointer?, _ array: UnsafeMutablePointer<UnsafePointer<aai_segment>?>?,
                                  _ count: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let a = try out(array, "array"), n = try out(count, "count")
        let s = try resolve(h, CSegments.self, "segments")
        a.pointee = s.segments
        n.pointee = s.count
    }
}

@_cdecl("aai_segments_json")
public func aai_segments_json_impl(_ h: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                   _ length: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try resolve(h, CSegments.self, "segments").json(json, length) }
}

@_cdecl("aai_segments_free")
public func aai_segments_free_impl(_ h: OpaquePointer?) { HandleTable.shared.remove(h, as: CSegments.self) }

@_cdecl("aai_transcriber_word_search")
public func aai_transcriber_word_search_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                                             _ words: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                                             _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriberCall(t) { (tr: Transcriber) throws(AssemblyAIError) in
        let target = try out(o, "out")
        let result = try tr.wordSearch(id: try string(id, "transcript_id"), words: try strings(words, count, "words"))
        target.pointee = HandleTable.shared.insert(CWordSearch(result.wordSearchResult))
    }
}

@_cdecl("aai_word_search_matches")
public func aai_word_search_matches_impl(_ h: OpaquePointer?, _ matches: UnsafeMutablePointer<UnsafePointer<aai_word_match>?>?,
                                         _ count: UnsafeMutablePointer<Int>?, _ total: UnsafeMutablePointer<Int64>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let m = try out(matches, "matches"), n = try out(count, "count")
        let s = try resolve(h, CWordSearch.self, "word search")
        m.pointee = s.matches
        n.pointee = s.count
        total?.pointee = s.total
    }
}

@_cdecl("aai_word_search_free")
public func aai_word_search_free_impl(_ h: OpaquePointer?) { HandleTable.shared.remove(h, as: CWordSearch.self) }

@_cdecl("aai_transcriber_get_redacted_audio_url")
public func aai_transcriber_get_redacted_audio_url_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                                                        _ o: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    transcriberCall(t) { (tr: Transcriber) throws(AssemblyAIError) in
        let target = try out(o, "url")
        target.pointee = try ownedCString(try tr.redactedAudioURL(id: try string(id, "transcript_id")))
    }
}

@_cdecl("aai_transcriber_save_redacted_audio")
public func aai_transcriber_save_redacted_audio_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                                                     _ path: UnsafePointer<CChar>?) -> aai_status {
    transcriberCall(t) { (tr: Transcriber) throws(AssemblyAIError) in
        try tr.saveRedactedAudio(id: try string(id, "transcript_id"), to: try string(path, "path"))
    }
}

@_cdecl("aai_transcriber_list")
public func aai_transcriber_list_impl(_ t: OpaquePointer?, _ limit: Int32, _ status: UnsafePointer<CChar>?,
                                      _ createdOn: UnsafePointer<CChar>?, _ beforeId: UnsafePointer<CChar>?,
                                      _ afterId: UnsafePointer<CChar>?, _ throttledOnly: Int32,
                                      _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriberCall(t) { (tr: Transcriber) throws(AssemblyAIError) in
        let target = try out(o, "out")
        guard limit >= 0 else { throw AssemblyAIError(.invalidArgument, "list limit must be 0 (default) or 1..200, got \(limit)") }
        let page = try tr.list(limit: limit == 0 ? nil : Int(limit), status: try optionalString(status, "status"),
                               createdOn: try optionalString(createdOn, "created_on"), beforeId: try optionalString(beforeId, "before_id"),
                               afterId: try optionalString(afterId, "after_id"), throttledOnly: throttledOnly < 0 ? nil : throttledOnly != 0)
        target.pointee = HandleTable.shared.insert(CTranscriptList(page))
    }
}

@_cdecl("aai_transcriber_list_page")
public func aai_transcriber_list_page_impl(_ t: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriberCall(t) { (tr: Transcriber) throws(AssemblyAIError) in
        let target = try out(o, "out")
        target.pointee = HandleTable.shared.insert(CTranscriptList(try tr.listPage(url: try string(url, "page_url"))))
    }
}

@_cdecl("aai_transcript_list_items")
public func aai_transcript_list_items_impl(_ h: OpaquePointer?, _ items: UnsafeMutablePointer<UnsafePointer<aai_transcript_list_item>?>?,
                                           _ count: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let a = try out(items, "items"), n = try out(count, "count")
        let l = try resolve(h, CTranscriptList.self, "transcript list")
        a.pointee = l.items
        n.pointee = l.count
    }
}

private func listField<T>(_ h: OpaquePointer?, _ fallback: T, _ get: (CTranscriptList) -> T) -> T {
    do { return get(try resolve(h, CTranscriptList.self, "transcript list")) } catch {
        recordGetterError(error)
        return fallback
    }
}

@_cdecl("aai_transcript_list_limit")
public func aai_transcript_list_limit_impl(_ h: OpaquePointer?) -> Int32 { listField(h, -1) { $0.limit } }
@_cdecl("aai_transcript_list_result_count")
public func aai_transcript_list_result_count_impl(_ h: OpaquePointer?) -> Int32 { listField(h, -1) { $0.resultCount } }
@_cdecl("aai_transcript_list_current_url")
public func aai_transcript_list_current_url_impl(_ h: OpaquePointer?) -> UnsafePointer<CChar>? { listField(h, nil) { $0.currentURL } }
@_cdecl("aai_transcript_list_prev_url")
public func aai_transcript_list_prev_url_impl(_ h: OpaquePointer?) -> UnsafePointer<CChar>? { listField(h, nil) { $0.prevURL } }
@_cdecl("aai_transcript_list_next_url")
public func aai_transcript_list_next_url_impl(_ h: OpaquePointer?) -> UnsafePointer<CChar>? { listField(h, nil) { $0.nextURL } }
@_cdecl("aai_transcript_list_before_id_of_prev_url")
public func aai_transcript_list_before_id_of_prev_url_impl(_ h: OpaquePointer?) -> UnsafePointer<CChar>? { listField(h, nil) { $0.beforeId } }

@_cdecl("aai_transcript_list_json")
public func aai_transcript_list_json_impl(_ h: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                          _ length: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try resolve(h, CTranscriptList.self, "transcript list").json(json, length) }
}

@_cdecl("aai_transcript_list_free")
public func aai_transcript_list_free_impl(_ h: OpaquePointer?) { HandleTable.shared.remove(h, as: CTranscriptList.self) }

// MARK: Local exports: computed from a transcript's words, no request

private func localCall(_ t: OpaquePointer?, _ body: (CTranscript) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try body(try resolve(t, CTranscript.self, "transcript")) }
}

@_cdecl("aai_transcript_export_subtitles")
public func aai_transcript_export_subtitles_impl(_ t: OpaquePointer?, _ format: aai_subtitle_format, _ chars: Int32,
                                                 _ o: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    localCall(t) { (tr: CTranscript) throws(AssemblyAIError) in
        let target = try out(o, "out")
        let kind = try subtitleFormat(format)
        guard chars >= 0 else { throw AssemblyAIError(.invalidArgument, "chars_per_caption must be >= 0, got \(chars)") }
        // Written by the core straight into malloc'd memory: no copy (aai_string_free frees it).
        target.pointee = try tr.core.localSubtitlesCString(format: kind, charsPerCaption: chars > 0 ? Int(chars) : 70).0
    }
}

@_cdecl("aai_transcript_sentences")
public func aai_transcript_sentences_impl(_ t: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    localCall(t) { (tr: CTranscript) throws(AssemblyAIError) in
        let target = try out(o, "out")
        target.pointee = HandleTable.shared.insert(try CSegments(local: tr.core.localSentences(), of: tr, key: "sentences"))
    }
}

@_cdecl("aai_transcript_paragraphs")
public func aai_transcript_paragraphs_impl(_ t: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    localCall(t) { (tr: CTranscript) throws(AssemblyAIError) in
        let target = try out(o, "out")
        target.pointee = HandleTable.shared.insert(try CSegments(local: tr.core.localParagraphs(), of: tr, key: "paragraphs"))
    }
}

@_cdecl("aai_transcript_word_search")
public func aai_transcript_word_search_impl(_ t: OpaquePointer?, _ words: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                                            _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    localCall(t) { (tr: CTranscript) throws(AssemblyAIError) in
        let target = try out(o, "out")
        let terms = try strings(words, count, "words")
        guard !terms.isEmpty else { throw AssemblyAIError(.invalidArgument, "word search needs at least one word") }
        target.pointee = HandleTable.shared.insert(CWordSearch(local: tr.core.localWordSearch(terms)))
    }
}
