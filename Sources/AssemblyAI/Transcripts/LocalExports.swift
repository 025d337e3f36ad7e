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

    /// The words in the compact form the local exports work on, read once from the document: every
    /// text unescaped into one byte buffer (no string per word), plus times and speaker numbers.
    struct LocalWords {
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]            // word i is bytes[offsets[i]..<offsets[i+1]]
        var scalars: [Int] = []
        var start: [Int64] = []
        var end: [Int64] = []
        var confidence: [Double] = []
        var speaker: [Int] = []             // index into speakers, -1 without one
        var speakers: [String] = []
        var count: Int { start.count }
        var indices: Range<Int> { 0..<count }
        func text(_ i: Int) -> ArraySlice<UInt8> { bytes[offsets[i]..<offsets[i + 1]] }
        func string(_ i: Int) -> String { String(decoding: text(i), as: UTF8.self) }
        func speakerName(_ i: Int) -> String? { speaker[i] >= 0 ? speakers[speaker[i]] : nil }
        /// The words of a range joined by single spaces.
        func joined(_ r: Range<Int>, into out: inout [UInt8]) {
            for i in r {
                if i > r.lowerBound { out.append(0x20) }
                out.append(contentsOf: text(i))
            }
        }
        func joined(_ r: Range<Int>) -> String {
            var b: [UInt8] = []
            joined(r, into: &b)
            return String(decoding: b, as: UTF8.self)
        }
    }

    func localWords() -> LocalWords {
        var w = LocalWords()
        guard let nodes = wordNodes else { return w }
        let n = nodes.count
        w.bytes.reserveCapacity(n * 6)
        w.offsets.reserveCapacity(n + 1)
        w.scalars.reserveCapacity(n); w.start.reserveCapacity(n); w.end.reserveCapacity(n)
        w.confidence.reserveCapacity(n); w.speaker.reserveCapacity(n)
        let text: JSONKey = "text", start: JSONKey = "start", end: JSONKey = "end"
        let confidence: JSONKey = "confidence", speaker: JSONKey = "speaker"
        var speakerIndex: [String: Int] = [:]
        for node in nodes.elements {
            let before = w.bytes.count
            _ = node[text]?.appendUnescapedString(to: &w.bytes)
            var scalars = 0
            for i in before..<w.bytes.count where w.bytes[i] & 0xC0 != 0x80 { scalars += 1 }
            w.offsets.append(w.bytes.count)
            w.scalars.append(scalars)
            w.start.append(node[start]?.int64 ?? 0)
            w.end.append(node[end]?.int64 ?? 0)
            w.confidence.append(node[confidence]?.double ?? 0)
            if let name = node[speaker]?.string {
                if let k = speakerIndex[name] { w.speaker.append(k) } else {
                    speakerIndex[name] = w.speakers.count
                    w.speaker.append(w.speakers.count)
                    w.speakers.append(name)
                }
            } else {
                w.speaker.append(-1)
            }
        }
        return w
    }

    private static let abbreviations: [[UInt8]] = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr."].map { Array($0.utf8) }

    /// Whether a word ends its sentence: its text, ignoring closing quotes and brackets
    /// (`"` `'` `”` `’` `)` `]`), ends in `.`, `?` or `!`, unless it is one of the abbreviations.
    static func endsSentence(_ text: ArraySlice<UInt8>) -> Bool {
        if abbreviations.contains(where: { $0.elementsEqual(text) }) { return false }
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

    static func endsSentence(_ text: String) -> Bool { endsSentence(ArraySlice(text.utf8)) }

    static func sentenceRanges(_ words: LocalWords) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var begin = 0
        for i in words.indices {
            let last = i == words.count - 1
            let speakerChange = !last && words.speaker[i + 1] >= 0 && words.speaker[i + 1] != words.speaker[i]
            if last || endsSentence(words.text(i)) || speakerChange {
                out.append(begin..<(i + 1))
                begin = i + 1
            }
        }
        return out
    }

    static func paragraphRanges(_ words: LocalWords, sentences: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var current: Range<Int>? = nil
        var count = 0
        for s in sentences {
            if let c = current, count < 5, words.speaker[s.lowerBound] == words.speaker[c.lowerBound] {
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

    static func describe(_ words: LocalWords, _ ranges: [Range<Int>]) -> [WordRange] {
        ranges.map { r in
            var confidence = 0.0
            for i in r { confidence += words.confidence[i] }  // left to right, as the server
            return WordRange(words: r, text: words.joined(r), start: words.start[r.lowerBound],
                             end: words.end[r.upperBound - 1], confidence: confidence / Double(r.count),
                             speaker: words.speakerName(r.lowerBound))
        }
    }

    /// The transcript's sentences, computed locally.
    public func localSentences() -> [WordRange] {
        let words = localWords()
        return Transcript.describe(words, Transcript.sentenceRanges(words))
    }

    /// The transcript's paragraphs (at most 5 sentences, a new one at a speaker change), computed
    /// locally. Like the API's `ParagraphsResponse`, a paragraph carries no speaker (its words do).
    public func localParagraphs() -> [WordRange] {
        let words = localWords()
        return Transcript.describe(words, Transcript.paragraphRanges(words, sentences: Transcript.sentenceRanges(words)))
            .map { var p = $0; p.speaker = nil; return p }
    }

    /// SRT or VTT captions computed locally: captions never cross a sentence end and hold words
    /// while their text stays within `charsPerCaption` characters (default 70).
    public func localSubtitles(format: SubtitleFormat, charsPerCaption: Int = 70) throws(AssemblyAIError) -> String {
        guard charsPerCaption > 0 else { throw .invalidArgument("chars_per_caption must be > 0, got \(charsPerCaption)") }
        let words = localWords()
        var out: [UInt8] = []
        out.reserveCapacity(words.bytes.count * 2 + 64)
        if format == .vtt { out.append(contentsOf: "WEBVTT\n".utf8) }
        var n = 0
        func emit(_ r: Range<Int>) {
            n += 1
            let srt = format == .srt
            if srt {
                if n > 1 { out.append(0x0A) }
                out.append(contentsOf: String(n).utf8)
            }
            out.append(0x0A)
            Transcript.appendTime(words.start[r.lowerBound], srt: srt, to: &out)
            out.append(contentsOf: " --> ".utf8)
            Transcript.appendTime(words.end[r.upperBound - 1], srt: srt, to: &out)
            out.append(0x0A)
            words.joined(r, into: &out)
            out.append(0x0A)
        }
        for sentence in Transcript.sentenceRanges(words) {
            var begin = sentence.lowerBound
            var length = 0
            for i in sentence {
                let added = i == begin ? words.scalars[i] : length + 1 + words.scalars[i]
                if i > begin && added > charsPerCaption {
                    emit(begin..<i)
                    begin = i
                    length = words.scalars[i]
                } else {
                    length = added
                }
            }
            if begin < sentence.upperBound { emit(begin..<sentence.upperBound) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `HH:MM:SS,mmm` (SRT) or `MM:SS.mmm`, with `HH:` from one hour on (VTT).
    static func appendTime(_ ms: Int64, srt: Bool, to out: inout [UInt8]) {
        let ms = max(0, ms)
        func put(_ v: Int64, _ width: Int) {
            var digits: [UInt8] = []
            var x = v
            repeat { digits.append(UInt8(48 + x % 10)); x /= 10 } while x > 0
            for _ in digits.count..<max(width, digits.count) { out.append(0x30) }
            out.append(contentsOf: digits.reversed())
        }
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        if srt || h > 0 { put(h, 2); out.append(0x3A) }
        put(m, 2); out.append(0x3A); put(s, 2); out.append(srt ? 0x2C : 0x2E); put(f, 3)
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
        let words = localWords()
        // Each word's key in place: for an ASCII word, the range without punctuation at either end
        // (compared case-insensitively); other words get their key computed exactly.
        var lo = [Int](repeating: 0, count: words.count), hi = lo
        var slowKeys: [Int: [UInt8]] = [:]
        for i in words.indices {
            let t = words.text(i)
            if t.allSatisfy({ $0 < 0x80 }) {
                var a = t.startIndex, b = t.endIndex
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
            var j = 0
            for k in lo[i]..<hi[i] {
                var b = words.bytes[k]
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
                        match.timestamps.append((words.start[i], words.end[i + want.count - 1]))
                    }
                }
            }
            out.append(match)
        }
        return out
    }
}
