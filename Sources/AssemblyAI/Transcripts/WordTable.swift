import Glibc

/// A transcript's words read once from its document into flat memory: the C word array
/// (`aai_transcript_words`) and the local exports (captions, sentences, paragraphs, word search)
/// both work on it, so neither walks the JSON again nor keeps a second copy.
///
/// The stated exception to "the core decodes, the C ABI converts its values": this table is
/// shaped for C on purpose (`Record` is laid out like `aai_word` and read straight from the parse
/// tape, no Swift value per word), so `aai_transcript_words` hands out its records as they are.
///
/// Immutable after init; everything it points to is freed with it.
public final class WordTable: @unchecked Sendable {
    /// One word, laid out like the C ABI's `aai_word` (the C layer hands these records out as they are).
    public struct Record {
        public var text: UnsafePointer<CChar>?
        public var start: Int64
        public var end: Int64
        public var confidence: Double
        public var speaker: UnsafePointer<CChar>?
        public var channel: UnsafePointer<CChar>?
    }

    /// `count` records, or nil when there are no words.
    public let records: UnsafeMutablePointer<Record>?
    public let count: Int
    /// Every word's text followed by a NUL, in word order, so word i's bytes end one byte before
    /// word i+1's start: no length needs storing.
    private let text: UnsafeMutablePointer<UInt8>?
    private let textCount: Int
    /// Speaker and channel labels, each stored once: equal labels have equal pointers.
    private let labels: [UnsafeMutablePointer<CChar>]
    /// Per word, what the captions need on every call: bit 7 set if the word ends a sentence, bits
    /// 0-6 its length in Unicode scalars (127: that many or more, count them).
    private let info: UnsafeMutablePointer<UInt8>?

    deinit {
        LargeMemory.release(records.map { UnsafeMutableRawPointer($0) }, count * MemoryLayout<Record>.stride)
        LargeMemory.release(text.map { UnsafeMutableRawPointer($0) }, textCount)
        LargeMemory.release(info.map { UnsafeMutableRawPointer($0) }, count)
        for l in labels { free(l) }
    }

    /// Reads every element of `words` (a JSON array of Word objects; anything else gives no words).
    /// A missing text reads as "", missing times and confidence as 0, a missing label as nil.
    init(_ words: JSONNode?) {
        guard let words, words.isArray, case let n = words.count, n > 0 else {
            (records, count, text, textCount, labels, info) = (nil, 0, nil, 0, [], nil)
            return
        }
        let records = LargeMemory.allocate(n * MemoryLayout<Record>.stride)!.bindMemory(to: Record.self, capacity: n)
        var buffer = GrowableBytes(capacity: n * 8)
        var interned = LabelTable()
        var reader = MemberReader(keys: ["text", "start", "end", "confidence", "speaker", "channel"])
        // Raw tape access: 100k words without a JSONNode (and its reference counting) per value.
        words.document.withRawView { v in
            let end = v.endIndex(words.index)
            var j = words.index + 2
            var i = 0
            while j < end {
                reader.read(v, object: j)
                // The text's offset + 1 for now (the buffer still moves); made a pointer below.
                let textAt = UnsafePointer<CChar>(bitPattern: buffer.count + 1)
                if case let t = reader.index(0), t >= 0 { _ = v.withString(t) { buffer.append($0) } }
                buffer.append(0)
                let (start, end, confidence) = (reader.index(1), reader.index(2), reader.index(3))
                records[i] = Record(text: textAt, start: start >= 0 ? v.int64(start) ?? 0 : 0, end: end >= 0 ? v.int64(end) ?? 0 : 0,
                                    confidence: confidence >= 0 ? v.double(confidence) ?? 0 : 0,
                                    speaker: interned.label(v, reader.index(4)), channel: interned.label(v, reader.index(5)))
                i += 1
                j = v.next(j)
            }
        }
        let base = buffer.finish()
        for j in 0..<n {
            let offset = Int(bitPattern: records[j].text) - 1
            records[j].text = UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
        }
        let info = LargeMemory.allocate(n)!.assumingMemoryBound(to: UInt8.self)
        (self.records, count, text, textCount, labels, self.info) = (records, n, base, buffer.count, interned.labels, info)
        for j in 0..<n {
            let t = textBytes(j)
            var scalars = 0
            for b in t where b & 0xC0 != 0x80 { scalars += 1 }
            info[j] = UInt8(min(scalars, 127)) | (Transcript.endsSentence(t) ? 0x80 : 0)
        }
    }

    /// Word i's text (UTF-8, without the NUL).
    @inline(__always)
    public func textBytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let r = records!
        let start = UnsafeRawPointer(r[i].text!).assumingMemoryBound(to: UInt8.self)
        let end = i + 1 < count ? UnsafeRawPointer(r[i + 1].text!).assumingMemoryBound(to: UInt8.self) : UnsafePointer(text! + textCount)
        return UnsafeBufferPointer(start: start, count: end - start - 1)
    }

    /// Word i's length in Unicode scalars (what a caption's characters are counted in).
    @inline(__always) func scalars(_ i: Int) -> Int {
        let s = Int(info![i] & 0x7F)
        if s < 127 { return s }
        var k = 0
        for b in textBytes(i) where b & 0xC0 != 0x80 { k += 1 }
        return k
    }

    /// Whether word i ends a sentence (`Transcript.endsSentence`).
    @inline(__always) func endsSentence(_ i: Int) -> Bool { info![i] & 0x80 != 0 }

    /// Bytes of words `r`'s texts with one separator each (their texts are contiguous).
    @inline(__always) func textSpan(_ r: Range<Int>) -> Int {
        let first = textBytes(r.lowerBound), last = textBytes(r.upperBound - 1)
        return last.baseAddress! + last.count + 1 - first.baseAddress!
    }

    @inline(__always) public func start(_ i: Int) -> Int64 { records![i].start }
    @inline(__always) public func end(_ i: Int) -> Int64 { records![i].end }
    @inline(__always) public func confidence(_ i: Int) -> Double { records![i].confidence }
    /// The speaker label's address: equal for equal labels, nil without one.
    @inline(__always) public func speakerID(_ i: Int) -> UnsafePointer<CChar>? { records![i].speaker }
    public func speaker(_ i: Int) -> String? { records![i].speaker.map { String(cString: $0) } }
    public func string(_ i: Int) -> String { String(decoding: textBytes(i), as: UTF8.self) }
}

/// A byte buffer (LargeMemory) grown by doubling; `finish` trims it to its size and hands it over.
private struct GrowableBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = LargeMemory.allocate(self.capacity)!.assumingMemoryBound(to: UInt8.self)
    }

    private mutating func reserve(_ k: Int) {
        guard count + k > capacity else { return }
        let grown = max(capacity * 2, count + k)
        base = LargeMemory.resize(base, from: capacity, to: grown)!.assumingMemoryBound(to: UInt8.self)
        capacity = grown
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if let src = bytes.baseAddress { (base + count).update(from: src, count: bytes.count) }
        count += bytes.count
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// The bytes, in a block of exactly `count` bytes (release it with that size).
    func finish() -> UnsafeMutablePointer<UInt8> {
        LargeMemory.resize(base, from: capacity, to: count)!.assumingMemoryBound(to: UInt8.self)
    }
}

/// Speaker/channel labels stored once each (a transcript has a handful; a hostile one may have many).
private struct LabelTable {
    private(set) var labels: [UnsafeMutablePointer<CChar>] = []
    private var index: [[UInt8]: UnsafeMutablePointer<CChar>] = [:]
    private var last: (bytes: [UInt8], pointer: UnsafeMutablePointer<CChar>)? = nil

    /// The label of the string at tape index `j` (nil for -1 or a value that is not a string).
    mutating func label(_ v: JSONRawView, _ j: Int) -> UnsafePointer<CChar>? {
        guard j >= 0 else { return nil }
        return v.withString(j) { bytes -> UnsafePointer<CChar> in
            // Consecutive words mostly share their speaker: compare with the last label first.
            if let last, last.bytes.elementsEqual(bytes) { return UnsafePointer(last.pointer) }
            let key = Array(bytes)
            let p: UnsafeMutablePointer<CChar>
            if let known = index[key] {
                p = known
            } else {
                p = malloc(key.count + 1)!.assumingMemoryBound(to: CChar.self)
                key.withUnsafeBytes { src in if let s = src.baseAddress { memcpy(p, s, key.count) } }
                p[key.count] = 0
                index[key] = p
                labels.append(p)
            }
            last = (key, p)
            return UnsafePointer(p)
        }
    }
}
