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
            if last || endsSentence(words.textBytes(i)) || speakerChange {
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
        String(decoding: try localSubtitleBytes(format: format, charsPerCaption: charsPerCaption), as: UTF8.self)
    }

    /// ``localSubtitles(format:charsPerCaption:)`` as UTF-8 bytes (no NUL).
    public func localSubtitleBytes(format: SubtitleFormat, charsPerCaption: Int = 70) throws(AssemblyAIError) -> [UInt8] {
        guard charsPerCaption > 0 else { throw .invalidArgument("chars_per_caption must be > 0, got \(charsPerCaption)") }
        let words = wordTable
        var out: [UInt8] = []
        out.reserveCapacity(words.count * 12 + 64)
        if format == .vtt { out.append(contentsOf: "WEBVTT\n".utf8) }
        let srt = format == .srt
        var n = 0
        func emit(_ r: Range<Int>) {
            n += 1
            if srt {
                if n > 1 { out.append(0x0A) }
                Transcript.appendNumber(Int64(n), width: 1, to: &out)
            }
            out.append(0x0A)
            Transcript.appendTime(words.start(r.lowerBound), srt: srt, to: &out)
            out.append(contentsOf: " --> ".utf8)
            Transcript.appendTime(words.end(r.upperBound - 1), srt: srt, to: &out)
            out.append(0x0A)
            Transcript.join(words, r, into: &out)
            out.append(0x0A)
        }
        // Characters are Unicode scalars: every byte that is not a UTF-8 continuation byte.
        func scalars(_ i: Int) -> Int {
            var k = 0
            for b in words.textBytes(i) where b & 0xC0 != 0x80 { k += 1 }
            return k
        }
        for sentence in Transcript.sentenceRanges(words) {
            var begin = sentence.lowerBound
            var length = 0
            for i in sentence {
                let s = scalars(i)
                let added = i == begin ? s : length + 1 + s
                if i > begin && added > charsPerCaption {
                    emit(begin..<i)
                    begin = i
                    length = s
                } else {
                    length = added
                }
            }
            if begin < sentence.upperBound { emit(begin..<sentence.upperBound) }
        }
        return out
    }

    /// `v` in decimal, zero-padded to at least `width` digits (v >= 0).
    static func appendNumber(_ v: Int64, width: Int, to out: inout [UInt8]) {
        var x = v, digits = 1
        while x >= 10 { x /= 10; digits += 1 }
        for _ in digits..<max(width, digits) { out.append(0x30) }
        var k = out.count + digits - 1
        out.append(contentsOf: repeatElement(0x30, count: digits))
        x = v
        repeat { out[k] = UInt8(48 + x % 10); x /= 10; k -= 1 } while x > 0
    }

    /// `HH:MM:SS,mmm` (SRT) or `MM:SS.mmm`, with `HH:` from one hour on (VTT).
    static func appendTime(_ ms: Int64, srt: Bool, to out: inout [UInt8]) {
        let ms = max(0, ms)
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        if srt || h > 0 { appendNumber(h, width: 2, to: &out); out.append(0x3A) }
        appendNumber(m, width: 2, to: &out); out.append(0x3A)
        appendNumber(s, width: 2, to: &out); out.append(srt ? 0x2C : 0x2E)
        appendNumber(f, width: 3, to: &out)
    }

    static func time(_ ms: Int64, srt: Bool) -> String {
        var out: [UInt8] = []
        appendTime(ms, srt: srt, to: &out)
        return String(decoding: out, as: UTF8.self)
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
        // Each word's key in place: for an ASCII word, the range without punctuation at either end
        // (compared case-insensitively); other words get their key computed exactly.
        var lo = [Int](repeating: 0, count: words.count), hi = lo
        var slowKeys: [Int: [UInt8]] = [:]
        for i in 0..<words.count {
            let t = words.textBytes(i)
            if t.allSatisfy({ $0 < 0x80 }) {
                var a = 0, b = t.count
                while a < b, Transcript.isASCIIPunctuation(t[a]) { a += 1 }
                while b > a, Transcript.isASCIIPunctuation(t[b - 1]) { b -= 1 }
                lo[i] = a; hi[i] = b
            } else {
                lo[i] = -1
                slowKeys[i] = Array(Transcript.key(Substring(words.string(i))).utf8)
            }
        }
        func matches(_ i: Int, _ key: [UInt8]) -> Bool {
            if lo[i] < 0 { return slowKeys[i] == key }
            guard hi[i] - lo[i] == key.count else { return false }
            let t = words.textBytes(i)
            var j = 0
            for k in lo[i]..<hi[i] {
                var b = t[k]
                if b >= 0x41 && b <= 0x5A { b |= 0x20 }
                if b != key[j] { return false }
                j += 1
            }
            return true
        }
        var out: [WordMatch] = []
        // The API takes one comma-separated list, so a comma inside a term separates terms there too.
        for term in terms.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }) {
            let trimmed = term.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()
            let text = String(trimmed)
            let want = text.split(whereSeparator: { $0.isWhitespace }).map { Array(Transcript.key($0).utf8) }.filter { !$0.isEmpty }
            guard !want.isEmpty else { continue }
            var match = WordMatch(text: text, timestamps: [], indexes: [])
            if want.count <= words.count {
                for i in 0...(words.count - want.count) where matches(i, want[0]) {
                    if (1..<want.count).allSatisfy({ matches(i + $0, want[$0]) }) {
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
