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

    /// The words in the compact form the local exports work on, read once from the document.
    struct LocalWord {
        var text: String
        var start: Int64
        var end: Int64
        var confidence: Double
        var speaker: String?
        var scalars: Int
    }

    func localWords() -> [LocalWord] {
        guard let nodes = wordNodes else { return [] }
        var out: [LocalWord] = []
        out.reserveCapacity(nodes.count)
        let text: JSONKey = "text", start: JSONKey = "start", end: JSONKey = "end"
        let confidence: JSONKey = "confidence", speaker: JSONKey = "speaker"
        for w in nodes.elements {
            let t = w[text]?.string ?? ""
            out.append(LocalWord(text: t, start: w[start]?.int64 ?? 0, end: w[end]?.int64 ?? 0,
                                 confidence: w[confidence]?.double ?? 0, speaker: w[speaker]?.string,
                                 scalars: t.unicodeScalars.count))
        }
        return out
    }

    private static let abbreviations: Set<String> = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr."]
    private static let closers: Set<Character> = ["\"", "'", "\u{201D}", "\u{2019}", ")", "]"]

    /// Whether a word ends its sentence: its text, ignoring closing quotes and brackets, ends in
    /// `.`, `?` or `!`, unless it is one of the abbreviations.
    static func endsSentence(_ text: String) -> Bool {
        if abbreviations.contains(text) { return false }
        var s = Substring(text)
        while let last = s.last, closers.contains(last) { s = s.dropLast() }
        guard let last = s.last else { return false }
        return last == "." || last == "?" || last == "!"
    }

    static func sentenceRanges(_ words: [LocalWord]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var begin = 0
        for i in words.indices {
            let last = i == words.count - 1
            let speakerChange = !last && words[i + 1].speaker != nil && words[i + 1].speaker != words[i].speaker
            if last || endsSentence(words[i].text) || speakerChange {
                out.append(begin..<(i + 1))
                begin = i + 1
            }
        }
        return out
    }

    static func paragraphRanges(_ words: [LocalWord], sentences: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var current: Range<Int>? = nil
        var count = 0
        for s in sentences {
            if let c = current, count < 5, words[s.lowerBound].speaker == words[c.lowerBound].speaker {
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

    static func describe(_ words: [LocalWord], _ ranges: [Range<Int>]) -> [WordRange] {
        ranges.map { r in
            var confidence = 0.0
            for i in r { confidence += words[i].confidence }  // left to right, as the server
            return WordRange(words: r, text: words[r].map(\.text).joined(separator: " "), start: words[r.lowerBound].start,
                             end: words[r.upperBound - 1].end, confidence: confidence / Double(r.count),
                             speaker: words[r.lowerBound].speaker)
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
        var out = format == .vtt ? "WEBVTT\n" : ""
        var n = 0
        func emit(_ r: Range<Int>) {
            n += 1
            let text = words[r].map(\.text).joined(separator: " ")
            let (a, b) = (words[r.lowerBound].start, words[r.upperBound - 1].end)
            if format == .srt {
                if n > 1 { out += "\n" }
                out += "\(n)\n\(Transcript.time(a, srt: true)) --> \(Transcript.time(b, srt: true))\n\(text)\n"
            } else {
                out += "\n\(Transcript.time(a, srt: false)) --> \(Transcript.time(b, srt: false))\n\(text)\n"
            }
        }
        for sentence in Transcript.sentenceRanges(words) {
            var begin = sentence.lowerBound
            var length = 0
            for i in sentence {
                let added = i == begin ? words[i].scalars : length + 1 + words[i].scalars
                if i > begin && added > charsPerCaption {
                    emit(begin..<i)
                    begin = i
                    length = words[i].scalars
                } else {
                    length = added
                }
            }
            if begin < sentence.upperBound { emit(begin..<sentence.upperBound) }
        }
        return out
    }

    /// `HH:MM:SS,mmm` (SRT) or `MM:SS.mmm`, with `HH:` from one hour on (VTT).
    static func time(_ ms: Int64, srt: Bool) -> String {
        let ms = max(0, ms)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        if srt { return "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)),\(pad(f, 3))" }
        return (h > 0 ? "\(pad(h, 2)):" : "") + "\(pad(m, 2)):\(pad(s, 2)).\(pad(f, 3))"
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

    /// A word's key: its core (without leading and trailing punctuation), lower-cased.
    static func key(_ word: Substring) -> String {
        // ASCII (nearly every word): strip the ASCII P* characters and lower-case byte by byte.
        var ascii = true
        for b in word.utf8 where b >= 0x80 { ascii = false; break }
        if ascii {
            var bytes = Array(word.utf8)
            func isPunct(_ b: UInt8) -> Bool {
                switch b {
                case UInt8(ascii: "!")...UInt8(ascii: "#"), UInt8(ascii: "%")...UInt8(ascii: "*"), UInt8(ascii: ",")...UInt8(ascii: "/"),
                     UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "?"), UInt8(ascii: "@"), UInt8(ascii: "[")...UInt8(ascii: "]"),
                     UInt8(ascii: "_"), UInt8(ascii: "{"), UInt8(ascii: "}"): return true
                default: return false
                }
            }
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
        let keys = words.map { Transcript.key(Substring($0.text)) }
        var out: [WordMatch] = []
        // The API takes one comma-separated list, so a comma inside a term separates terms there too.
        for term in terms.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }) {
            let trimmed = term.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()
            let text = String(trimmed)
            let want = text.split(whereSeparator: { $0.isWhitespace }).map { Transcript.key($0) }.filter { !$0.isEmpty }
            guard !want.isEmpty else { continue }
            var match = WordMatch(text: text, timestamps: [], indexes: [])
            if want.count <= keys.count {
                for i in 0...(keys.count - want.count) where keys[i] == want[0] {
                    if (1..<want.count).allSatisfy({ keys[i + $0] == want[$0] }) {
                        match.indexes.append(i)
                        match.timestamps.append((words[i].start, words[i + want.count - 1].end))
                    }
                }
            }
            out.append(match)
        }
        return out
    }
}
