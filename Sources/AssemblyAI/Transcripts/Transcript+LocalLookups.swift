import Glibc

/// Exports computed from the words already in memory, with no round trip: the same rules as the
/// API's endpoints (as the local server documents them in docs/local-server.md, "Exports"), so
/// `localSubtitles` equals `GET .../srt` for the same transcript and settings.
extension Transcript {
    /// A run of consecutive words: a sentence or a paragraph.
    public struct WordRange: Sendable, Equatable {
        public var words: Range<Int>
        public var text: String
        public var start: Int64
        public var end: Int64
        public var confidence: Double
        public var speaker: String?
    }

    private static let abbreviations: [[UInt8]] = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr."].map { Array($0.utf8) }

    /// Whether a word ends its sentence: its text, ignoring closing quotes and brackets
    /// (`"` `'` `”` `’` `)` `]`), ends in `.`, `?` or `!`, unless it is one of the abbreviations.
    static func endsSentence(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        // Most words end in a letter: only . ? ! or a closing quote/bracket (” ’ end in 0x9D 0x99) can end one.
        switch text.last {
        case 0x2E, 0x3F, 0x21, 0x22, 0x27, 0x29, 0x5D, 0x9D, 0x99: break
        default: return false
        }
        // Only a word ending in '.' can be an abbreviation.
        if text.last == 0x2E && text.count <= 5 && abbreviations.contains(where: { $0.elementsEqual(text) }) { return false }
        var e = text.endIndex
        while e > text.startIndex {
            let b = text[e - 1]
            if b == 0x22 || b == 0x27 || b == 0x29 || b == 0x5D { e -= 1; continue }
            // ” (E2 80 9D) and ’ (E2 80 99)
            if b == 0x9D || b == 0x99, e - 3 >= text.startIndex, text[e - 3] == 0xE2, text[e - 2] == 0x80 { e -= 3; continue }
            break
        }
        guard e > text.startIndex else { return false }
        let last = text[e - 1]
        return last == 0x2E || last == 0x3F || last == 0x21
    }

    static func endsSentence(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { endsSentence($0) }
    }

    static func sentenceRanges(_ words: WordTable) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var begin = 0
        for i in 0..<words.count {
            let last = i == words.count - 1
            let speakerChange = !last && words.speakerID(i + 1) != nil && words.speakerID(i + 1) != words.speakerID(i)
            if last || words.endsSentence(i) || speakerChange {
                out.append(begin..<(i + 1))
                begin = i + 1
            }
        }
        return out
    }

    static func paragraphRanges(_ words: WordTable, sentences: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var current: Range<Int>? = nil
        var count = 0
        for s in sentences {
            if let c = current, count < 5, words.speakerID(s.lowerBound) == words.speakerID(c.lowerBound) {
                current = c.lowerBound..<s.upperBound
                count += 1
            } else {
                if let c = current { out.append(c) }
                current = s
                count = 1
            }
        }
        if let c = current { out.append(c) }
        return out
    }

    /// The words of a range joined by single spaces.
    static func join(_ words: WordTable, _ r: Range<Int>, into out: inout [UInt8]) {
        for i in r {
            if i > r.lowerBound { out.append(0x20) }
            out.append(contentsOf: words.textBytes(i))
        }
    }

    static func describe(_ words: WordTable, _ ranges: [Range<Int>]) -> [WordRange] {
        var text: [UInt8] = []
        return ranges.map { r in
            var confidence = 0.0
            for i in r { confidence += words.confidence(i) }  // left to right, as the server
            text.removeAll(keepingCapacity: true)
            join(words, r, into: &text)
            return WordRange(words: r, text: String(decoding: text, as: UTF8.self), start: words.start(r.lowerBound),
                             end: words.end(r.upperBound - 1), confidence: confidence / Double(r.count),
                             speaker: words.speaker(r.lowerBound))
        }
    }

    /// The transcript's sentences, computed locally.
    public func localSentences() -> [WordRange] {
        let words = wordTable
        return Transcript.describe(words, Transcript.sentenceRanges(words))
    }

    /// The transcript's paragraphs (at most 5 sentences, a new one at a speaker change), computed
    /// locally. Like the API's `ParagraphsResponse`, a paragraph carries no speaker (its words do).
    public func localParagraphs() -> [WordRange] {
        let words = wordTable
        return Transcript.describe(words, Transcript.paragraphRanges(words, sentences: Transcript.sentenceRanges(words)))
            .map { var p = $0; p.speaker = nil; return p }
    }

    /// SRT or VTT captions computed locally: captions never cross a sentence end and hold words
    /// while their text stays within `charsPerCaption` characters (default 70).
    public func localSubtitles(format: SubtitleFormat, charsPerCaption: Int = 70) throws(AssemblyAIError) -> String {
        let (p, count) = try localSubtitlesCString(format: format, charsPerCaption: charsPerCaption)
        defer { free(p) }
        return String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: count),
                      as: UTF8.self)
    }

    /// ``localSubtitles(format:charsPerCaption:)`` written straight into malloc'd memory, NUL-terminated
    /// (`count` bytes before the NUL); the caller frees it with `free`.
    public func localSubtitlesCString(format: SubtitleFormat, charsPerCaption: Int = 70) throws(AssemblyAIError)
        -> (UnsafeMutablePointer<CChar>, count: Int) {
        guard charsPerCaption > 0 else { throw .invalidArgument("chars_per_caption must be > 0, got \(charsPerCaption)") }
        let noMemory = AssemblyAIError(.noMemory, "out of memory writing captions")
        let words = wordTable
        guard var out = CaptionWriter(capacity: words.count * 16 + 64) else { throw noMemory }
        if format == .vtt { out.ascii("WEBVTT\n") }
        let srt = format == .srt
        var n: Int64 = 0
        var ok = true
        for sentence in Transcript.sentenceRanges(words) where ok {
            var begin = sentence.lowerBound
            var length = 0
            for i in sentence {
                let s = words.scalars(i)
                let added = i == begin ? s : length + 1 + s
                if i > begin && added > charsPerCaption {
                    n += 1
                    ok = ok && out.caption(n, words, begin..<i, srt: srt)
                    begin = i
                    length = s
                } else {
                    length = added
                }
            }
            if begin < sentence.upperBound {
                n += 1
                ok = ok && out.caption(n, words, begin..<sentence.upperBound, srt: srt)
            }
        }
        guard ok, out.reserve(1) else {
            free(out.base)
            throw noMemory
        }
        out.byte(0)
        return (UnsafeMutableRawPointer(out.base).assumingMemoryBound(to: CChar.self), out.count - 1)
    }

    static func time(_ ms: Int64, srt: Bool) -> String {
        guard var out = CaptionWriter(capacity: 64) else { return "" }
        defer { free(out.base) }
        out.time(ms, srt: srt)
        return String(decoding: UnsafeBufferPointer(start: out.base, count: out.count), as: UTF8.self)
    }

    /// One searched term: where it occurs.
    public struct WordMatch: Sendable, Equatable {
        public var text: String
        public var timestamps: [(start: Int64, end: Int64)]
        public var indexes: [Int]
        public var count: Int { indexes.count }
        public static func == (a: WordMatch, b: WordMatch) -> Bool {
            a.text == b.text && a.indexes == b.indexes && a.timestamps.elementsEqual(b.timestamps, by: { $0 == $1 })
        }
    }

    /// Whether an ASCII word's key equals `key`; nil for a word with non-ASCII bytes (its key needs
    /// Unicode's rules: see ``key(_:)``).
    @inline(__always)
    static func asciiKeyEquals(_ t: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>) -> Bool? {
        for c in t where c >= 0x80 { return nil }
        var a = 0, b = t.count
        while a < b, isASCIIPunctuation(t[a]) { a += 1 }
        while b > a, isASCIIPunctuation(t[b - 1]) { b -= 1 }
        guard b - a == key.count else { return false }
        for k in 0..<key.count {
            var c = t[a + k]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != key[k] { return false }
        }
        return true
    }

    /// ASCII characters of Unicode category P* (not the symbols $ + < = > ^ ` | ~).
    static func isASCIIPunctuation(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "!")...UInt8(ascii: "#"), UInt8(ascii: "%")...UInt8(ascii: "*"), UInt8(ascii: ",")...UInt8(ascii: "/"),
             UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "?"), UInt8(ascii: "@"), UInt8(ascii: "[")...UInt8(ascii: "]"),
             UInt8(ascii: "_"), UInt8(ascii: "{"), UInt8(ascii: "}"): return true
        default: return false
        }
    }

    /// A word's key: its core (without leading and trailing punctuation), lower-cased.
    static func key(_ word: Substring) -> String {
        // ASCII (nearly every word): strip the ASCII P* characters and lower-case byte by byte.
        var ascii = true
        for b in word.utf8 where b >= 0x80 { ascii = false; break }
        if ascii {
            var bytes = Array(word.utf8)
            let isPunct = Transcript.isASCIIPunctuation
            var lo = 0, hi = bytes.count
            while lo < hi, isPunct(bytes[lo]) { lo += 1 }
            while hi > lo, isPunct(bytes[hi - 1]) { hi -= 1 }
            for i in lo..<hi where bytes[i] >= 0x41 && bytes[i] <= 0x5A { bytes[i] |= 0x20 }
            return String(decoding: bytes[lo..<hi], as: UTF8.self)
        }
        var scalars = Substring.UnicodeScalarView(word.unicodeScalars)
        func isPunct(_ s: Unicode.Scalar) -> Bool {
            switch s.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
            default: return false
            }
        }
        while let f = scalars.first, isPunct(f) { scalars.removeFirst() }
        while let l = scalars.last, isPunct(l) { scalars.removeLast() }
        return String(scalars).lowercased()
    }

    /// Word search computed locally: each term is trimmed and split into keys; it matches where
    /// consecutive words have those keys (case and punctuation ignored, overlaps counted).
    /// Terms without a match are listed with count 0; empty terms are skipped.
    public func localWordSearch(_ terms: [String]) -> [WordMatch] {
        let words = wordTable
        // A word's key, compared in place: for an ASCII word, its bytes without punctuation at either
        // end, case-insensitively; other words (rare) get their key computed exactly, once.
        var slowKeys: [Int: [UInt8]] = [:]
        var out: [WordMatch] = []
        // The API takes one comma-separated list, so a comma inside a term separates terms there too.
        for term in terms.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }) {
            let trimmed = term.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()
            let text = String(trimmed)
            let want = text.split(whereSeparator: { $0.isWhitespace }).map { Array(Transcript.key($0).utf8) }.filter { !$0.isEmpty }
            guard !want.isEmpty else { continue }
            var match = WordMatch(text: text, timestamps: [], indexes: [])
            if want.count <= words.count {
                for i in 0...(words.count - want.count) {
                    var all = true
                    for (k, key) in want.enumerated() {
                        let hit = key.withUnsafeBufferPointer { Transcript.asciiKeyEquals(words.textBytes(i + k), $0) }
                        if let hit { all = hit } else {
                            if slowKeys[i + k] == nil { slowKeys[i + k] = Array(Transcript.key(Substring(words.string(i + k))).utf8) }
                            all = slowKeys[i + k] == key
                        }
                        if !all { break }
                    }
                    if all {
                        match.indexes.append(i)
                        match.timestamps.append((words.start(i), words.end(i + want.count - 1)))
                    }
                }
            }
            out.append(match)
        }
        return out
    }
}

/// A malloc'd byte buffer for captions: `reserve` once per caption, then unchecked writes.
struct CaptionWriter {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init?(capacity: Int) {
        guard let p = malloc(capacity) else { return nil }
        base = p.assumingMemoryBound(to: UInt8.self)
        self.capacity = capacity
    }

    /// Caption number `n`: the words of `r` with their times (false: out of memory).
    mutating func caption(_ n: Int64, _ words: WordTable, _ r: Range<Int>, srt: Bool) -> Bool {
        // At most: the number, two times, the arrow, newlines, and the words with their spaces.
        guard reserve(128 + words.textSpan(r)) else { return false }
        if srt {
            if n > 1 { byte(0x0A) }
            number(n, width: 1)
        }
        byte(0x0A)
        time(words.start(r.lowerBound), srt: srt)
        ascii(" --> ")
        time(words.end(r.upperBound - 1), srt: srt)
        byte(0x0A)
        for i in r {
            if i > r.lowerBound { byte(0x20) }
            bytes(words.textBytes(i))
        }
        byte(0x0A)
        return true
    }

    /// Room for `k` more bytes (false: out of memory, the buffer is unchanged).
    mutating func reserve(_ k: Int) -> Bool {
        guard count + k > capacity else { return true }
        let grown = max(capacity * 2, count + k)
        guard let p = realloc(base, grown) else { return false }
        base = p.assumingMemoryBound(to: UInt8.self)
        capacity = grown
        return true
    }

    @inline(__always) mutating func byte(_ b: UInt8) {
        base[count] = b
        count &+= 1
    }

    @inline(__always) mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        for c in b { byte(c) }  // words are short: no memcpy call
    }

    mutating func ascii(_ s: StaticString) {
        s.withUTF8Buffer { bytes($0) }
    }

    /// `v` (>= 0) in decimal, zero-padded to at least `width` digits.
    @inline(__always) mutating func number(_ v: Int64, width: Int) {
        var digits = 1
        var x = v
        while x >= 10 { x /= 10; digits &+= 1 }
        var pad = width - digits
        while pad > 0 { byte(0x30); pad &-= 1 }
        x = v
        var k = count &+ digits &- 1
        repeat { base[k] = UInt8(truncatingIfNeeded: 48 &+ x % 10); x /= 10; k &-= 1 } while x > 0
        count &+= digits
    }

    /// `HH:MM:SS,mmm` (SRT) or `MM:SS.mmm`, with `HH:` from one hour on (VTT).
    mutating func time(_ ms: Int64, srt: Bool) {
        let ms = max(0, ms)
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        if srt || h > 0 { number(h, width: 2); byte(0x3A) }
        number(m, width: 2); byte(0x3A)
        number(s, width: 2); byte(srt ? 0x2C : 0x2E)
        number(f, width: 3)
    }
}
