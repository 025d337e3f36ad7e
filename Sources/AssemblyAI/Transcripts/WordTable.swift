import Glibc

/// A transcript's words read once from its document into flat memory: the C word array
/// (`aai_transcript_words`) and the local exports (captions, sentences, paragraphs, word search)
/// both work on it, so neither walks the JSON again nor keeps a second copy.
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

    deinit {
        LargeMemory.release(records.map { UnsafeMutableRawPointer($0) }, count * MemoryLayout<Record>.stride)
        LargeMemory.release(text.map { UnsafeMutableRawPointer($0) }, textCount)
        for l in labels { free(l) }
    }

    /// Reads every element of `words` (a JSON array of Word objects; anything else gives no words).
    /// A missing text reads as "", missing times and confidence as 0, a missing label as nil.
    init(_ words: JSONNode?) {
        guard let words, words.isArray else {
            (records, count, text, textCount, labels) = (nil, 0, nil, 0, [])
            return
        }
        let n = words.count
        guard n > 0 else {
            (records, count, text, textCount, labels) = (nil, 0, nil, 0, [])
            return
        }
        let records = LargeMemory.allocate(n * MemoryLayout<Record>.stride)!.bindMemory(to: Record.self, capacity: n)
        var buffer = GrowableBytes(capacity: n * 8)
        var interned = LabelTable()
        var reader = MemberReader(keys: ["text", "start", "end", "confidence", "speaker", "channel"])
        var i = 0
        for word in words.elements {
            reader.read(word)
            // The text's offset + 1 for now (the buffer still moves); made a pointer below.
            let textAt = UnsafePointer<CChar>(bitPattern: buffer.count + 1)
            _ = reader.value(0)?.withStringBytes { buffer.append($0) }
            buffer.append(0)
            records[i] = Record(text: textAt, start: reader.value(1)?.int64 ?? 0, end: reader.value(2)?.int64 ?? 0,
                                confidence: reader.value(3)?.double ?? 0,
                                speaker: interned.label(reader.value(4)), channel: interned.label(reader.value(5)))
            i += 1
        }
        let base = buffer.finish()
        for j in 0..<n {
            let offset = Int(bitPattern: records[j].text) - 1
            records[j].text = UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
        }
        (self.records, count, text, textCount, labels) = (records, n, base, buffer.count, interned.labels)
    }

    /// Word i's text (UTF-8, without the NUL).
    @inline(__always)
    public func textBytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let r = records!
        let start = UnsafeRawPointer(r[i].text!).assumingMemoryBound(to: UInt8.self)
        let end = i + 1 < count ? UnsafeRawPointer(r[i + 1].text!).assumingMemoryBound(to: UInt8.self) : UnsafePointer(text! + textCount)
        return UnsafeBufferPointer(start: start, count: end - start - 1)
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

    mutating func label(_ node: JSONNode?) -> UnsafePointer<CChar>? {
        guard let node, node.isString else { return nil }
        return node.withStringBytes { bytes -> UnsafePointer<CChar> in
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
