// JSON layer of the AssemblyAI core: the fast read path (a validated document plus its tape, and cursors into it).
// Pure Swift standard library; no Foundation.

/// A parsed, validated JSON document: the source bytes plus a compact tape (index) of its values.
///
/// Parsing is one strict RFC 8259 pass (no trailing commas, no leading zeros, no NaN/Infinity, valid
/// escapes, well-formed UTF-8 inside strings, `\u` surrogates properly paired, only whitespace after the
/// root value, no byte-order mark). Values are not converted while parsing: a `JSONNode` converts a value
/// when it is asked for it. The document is immutable and can be shared between threads.
///
/// Limits: at most `maxDepth` nested arrays/objects (default 512); documents up to 4 GiB - 1 bytes.
public final class JSONDocument: @unchecked Sendable {  // immutable after init; the tape is freed in deinit
    /// The default maximum nesting depth of arrays and objects.
    public static let defaultMaxDepth = 512

    /// The source bytes (the document keeps them; `JSONNode.rawBytes` are slices of this array).
    public let bytes: [UInt8]
    /// One entry per value (see JSONTapeParser.swift), from LargeMemory.
    let tape: UnsafeMutablePointer<UInt32>
    let tapeCount: Int
    private let tapeBytes: Int

    /// Parses and validates `bytes`.
    /// - Parameter maxDepth: maximum number of nested arrays/objects; deeper input throws `.depthLimitExceeded`.
    public init(bytes: [UInt8], maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) {
        self.bytes = bytes
        self.hasTrailingNUL = false
        (tape, tapeCount, tapeBytes) = try JSONDocument.index(bytes, dropLast: false, maxDepth: maxDepth)
    }

    /// Whether `bytes` ends with a NUL that is not part of the document (see ``init(nulTerminated:maxDepth:)``).
    public let hasTrailingNUL: Bool

    /// The document's length in bytes, without a trailing NUL.
    public var length: Int { hasTrailingNUL ? bytes.count - 1 : bytes.count }

    /// Parses `bytes` whose last byte is a NUL that is not part of the document: C callers can then
    /// be handed the source text itself as a C string, with no copy. A missing NUL is an error.
    public init(nulTerminated bytes: [UInt8], maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) {
        guard bytes.last == 0 else { throw JSONError(.trailingContent, offset: bytes.count, reason: "expected a trailing NUL") }
        self.bytes = bytes
        self.hasTrailingNUL = true
        (tape, tapeCount, tapeBytes) = try JSONDocument.index(bytes, dropLast: true, maxDepth: maxDepth)
    }

    private static func index(_ bytes: [UInt8], dropLast: Bool, maxDepth: Int) throws(JSONError)
        -> (UnsafeMutablePointer<UInt32>, Int, Int) {
        let result: Result<(tape: UnsafeMutablePointer<UInt32>, count: Int, bytes: Int), JSONError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONError) {
                return .success(try buildTape(dropLast ? UnsafeBufferPointer(rebasing: buffer.dropLast()) : buffer, maxDepth: maxDepth))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    deinit { LargeMemory.release(tape, tapeBytes) }

    /// Parses and validates the UTF-8 encoding of `string`.
    public convenience init(string: String, maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) {
        try self.init(bytes: Array(string.utf8), maxDepth: maxDepth)
    }

    /// The root value.
    public var root: JSONNode { JSONNode(document: self, index: 0) }

    /// Number of tape entries (a rough measure of the index's size: 4 bytes each).
    public var tapeEntryCount: Int { tapeCount }

    /// Source offset where the value of tape entry `j` starts.
    @inline(__always) func offset(_ j: Int) -> Int { Int(truncatingIfNeeded: tape[j]) }

    /// First byte of the value of tape entry `j`: it tells the value's kind.
    @inline(__always) func firstByte(_ j: Int) -> UInt8 { bytes[offset(j)] }

    /// Tape index of the entry after the value at `j` (O(1): a container's start holds its end's index).
    @inline(__always) func next(_ j: Int) -> Int {
        let c = firstByte(j)
        if c == ASCII.openBrace || c == ASCII.openBracket { return Int(truncatingIfNeeded: tape[j &+ 1]) &+ 1 }
        return j &+ 1
    }

    /// For the string starting (at its opening quote) at `quote`: the offset of its closing quote and
    /// whether it contains escapes. The document was validated, so the scan ends inside `b`.
    @inline(__always)
    static func stringEnd(_ b: UnsafeBufferPointer<UInt8>, _ quote: Int) -> (end: Int, escaped: Bool) {
        var i = quote &+ 1
        var escaped = false
        let n = b.count
        guard let p = b.baseAddress else { return (quote, false) }
        while i < n {
            // Eight bytes at a time while none is a quote or a backslash.
            while i &+ 8 <= n {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let q = w ^ (ones &* 0x22), s = w ^ (ones &* 0x5C)
                let m = (((q &- ones) & ~q) | ((s &- ones) & ~s)) & (ones &* 0x80)
                if m != 0 { i &+= UInt64(littleEndian: m).trailingZeroBitCount &>> 3; break }
                i &+= 8
            }
            guard i < n else { break }
            let c = p[i]
            if c == ASCII.quote { return (i, escaped) }
            if c == ASCII.backslash { escaped = true; i &+= 2 } else { i &+= 1 }
        }
        return (min(i, n), escaped)
    }

    /// For the number starting at `start`: its length and whether it has a fraction or exponent.
    @inline(__always)
    static func numberEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> (length: Int, decimal: Bool) {
        var i = start
        var decimal = false
        while i < b.count {
            let c = b[i]
            if c &- ASCII.zero < 10 || c == ASCII.minus || c == ASCII.plus { i &+= 1; continue }
            if c == ASCII.dot || c | 0x20 == 0x65 { decimal = true; i &+= 1; continue }
            break
        }
        return (i &- start, decimal)
    }
}

/// The type of a JSON value.
public enum JSONKind: Sendable, Equatable {
    case null, bool, number, string, array, object
}

/// A pre-encoded object key for hot lookup loops: `static let start: JSONKey = "start"`, then `node[Keys.start]`.
public struct JSONKey: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The key's UTF-8 bytes.
    public let utf8: [UInt8]
    public init(_ key: String) { utf8 = Array(key.utf8) }
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { String(decoding: utf8, as: UTF8.self) }
}

/// A cheap cursor to one value of a `JSONDocument` (the document plus a tape index).
///
/// Accessors convert on demand and return nil when the value has another type. Lookups by key scan the
/// object's members in order and return the first match (if a key is duplicated, the first occurrence wins).
public struct JSONNode: Sendable {
    /// The document this node belongs to.
    public let document: JSONDocument
    /// Index of this value's entry in the document's tape.
    @usableFromInline let index: Int

    @inlinable init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    @inline(__always) var firstByte: UInt8 { document.firstByte(index) }

    // MARK: type

    /// The value's type.
    public var kind: JSONKind {
        switch firstByte {
        case ASCII.quote: return .string
        case ASCII.openBrace: return .object
        case ASCII.openBracket: return .array
        case 0x74, 0x66: return .bool   // t f
        case 0x6E: return .null         // n
        default: return .number
        }
    }

    public var isNull: Bool { firstByte == 0x6E }
    public var isArray: Bool { firstByte == ASCII.openBracket }
    public var isObject: Bool { firstByte == ASCII.openBrace }
    public var isString: Bool { firstByte == ASCII.quote }
    public var isNumber: Bool { kind == .number }
    /// True for a number written without fraction or exponent (e.g. `42`, `-7`, but not `1.0` or `1e2`).
    public var isIntegerLiteral: Bool {
        guard isNumber else { return false }
        return document.bytes.withUnsafeBufferPointer { !JSONDocument.numberEnd($0, document.offset(index)).decimal }
    }

    // MARK: scalars

    public var bool: Bool? {
        switch firstByte {
        case 0x74: return true
        case 0x66: return false
        default: return nil
        }
    }

    /// The number as Int64 if it is mathematically an integer within Int64's range (`1e2` and `1.0` qualify,
    /// `1.5` and `9223372036854775808` do not). Exact: decided from the decimal text, not through Double.
    public var int64: Int64? {
        guard isNumber else { return nil }
        let start = document.offset(index)
        return document.bytes.withUnsafeBufferPointer { b -> Int64? in
            guard let base = b.baseAddress else { return nil }
            let (length, decimal) = JSONDocument.numberEnd(b, start)
            if !decimal { return JSONNumberParsing.integerToInt64(base + start, length) }
            return JSONNumberParsing.decimalToInt64(base + start, length)
        }
    }

    /// `int64` converted to Int (nil if it does not fit).
    public var int: Int? {
        guard let v = int64 else { return nil }
        return Int(exactly: v)
    }

    /// The number as the nearest Double (correctly rounded). Magnitudes beyond Double's range give ±infinity.
    public var double: Double? {
        guard isNumber else { return nil }
        let start = document.offset(index)
        return document.bytes.withUnsafeBufferPointer { b -> Double? in
            guard let base = b.baseAddress else { return nil }
            return JSONNumberParsing.toDouble(base + start, JSONDocument.numberEnd(b, start).length)
        }
    }

    /// Calls `body` with the string's unescaped UTF-8: the source bytes themselves when the string has
    /// no escapes (no copy), else a decoded copy. Nil if this is not a string.
    public func withStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        guard isString else { return nil }
        let quote = document.offset(index)
        return try document.bytes.withUnsafeBufferPointer { b -> R in
            let (end, escaped) = JSONDocument.stringEnd(b, quote)
            let raw = UnsafeBufferPointer(rebasing: b[(quote &+ 1) ..< end])
            if !escaped { return try body(raw) }
            var decoded: [UInt8] = []
            decoded.reserveCapacity(raw.count)
            unescapeJSONString(raw, into: &decoded)
            return try decoded.withUnsafeBufferPointer(body)
        }
    }

    /// The unescaped string, or nil if this is not a string.
    public var string: String? {
        withStringBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Appends the string's unescaped UTF-8 bytes to `buffer` (nothing else: no terminator). Returns false,
    /// leaving `buffer` unchanged, if this is not a string. Note: a `\u0000` escape yields a NUL byte.
    @discardableResult
    public func appendUnescapedString(to buffer: inout [UInt8]) -> Bool {
        guard isString else { return false }
        let quote = document.offset(index)
        document.bytes.withUnsafeBufferPointer { b in
            let (end, escaped) = JSONDocument.stringEnd(b, quote)
            let raw = UnsafeBufferPointer(rebasing: b[(quote &+ 1) ..< end])
            if escaped { unescapeJSONString(raw, into: &buffer) } else { buffer.append(contentsOf: raw) }
        }
        return true
    }

    /// True if this is a string whose unescaped UTF-8 equals `utf8` (no allocation when it has no escapes).
    public func stringEquals(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        withStringBytes { $0.count == utf8.count && ($0.count == 0 || bytesEqual($0.baseAddress!, utf8, $0.count)) } ?? false
    }

    /// True if this is a string equal to `string`.
    public func stringEquals(_ string: String) -> Bool {
        var s = string
        return s.withUTF8 { stringEquals($0) }
    }

    // MARK: raw source

    /// The exact bytes of this value in the source (for strings, including the quotes).
    public var rawBytes: ArraySlice<UInt8> {
        let range = rawRange
        return document.bytes[range]
    }

    /// The exact source text of this value.
    public var rawJSON: String { String(decoding: rawBytes, as: UTF8.self) }

    /// Byte range of this value in `document.bytes`.
    public var rawRange: Range<Int> {
        let start = document.offset(index)
        return document.bytes.withUnsafeBufferPointer { b -> Range<Int> in
            switch b[start] {
            case ASCII.quote: return start ..< (JSONDocument.stringEnd(b, start).end &+ 1)
            case ASCII.openBrace, ASCII.openBracket:
                return start ..< (document.offset(Int(truncatingIfNeeded: document.tape[index &+ 1])) &+ 1)
            case 0x74, 0x6E: return start ..< (start &+ 4)   // true null
            case 0x66: return start ..< (start &+ 5)         // false
            default: return start ..< (start &+ JSONDocument.numberEnd(b, start).length)
            }
        }
    }

    // MARK: containers

    /// Number of elements of an array or members of an object (counted by skipping over them); 0 for other values.
    public var count: Int {
        let c = firstByte
        guard c == ASCII.openBracket || c == ASCII.openBrace else { return 0 }
        let end = Int(truncatingIfNeeded: document.tape[index &+ 1])
        var j = index &+ 2
        var n = 0
        while j < end {
            if c == ASCII.openBrace { j &+= 1 }
            j = document.next(j)
            n &+= 1
        }
        return n
    }

    /// The array element at `index` (O(index): elements are skipped in O(1) each), or nil.
    public subscript(index: Int) -> JSONNode? {
        guard firstByte == ASCII.openBracket, index >= 0 else { return nil }
        let end = Int(truncatingIfNeeded: document.tape[self.index &+ 1])
        var j = self.index &+ 2
        var i = 0
        while j < end {
            if i == index { return JSONNode(document: document, index: j) }
            j = document.next(j)
            i &+= 1
        }
        return nil
    }

    /// The value of the first member named `key`, or nil (also if this is not an object).
    public subscript(key: String) -> JSONNode? {
        var k = key
        return k.withUTF8 { member(utf8: $0) }
    }

    /// The value of the first member named `key` (no String involved), or nil.
    public subscript(key: StaticString) -> JSONNode? {
        if key.hasPointerRepresentation {
            return member(utf8: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        }
        return self[key.description]
    }

    /// The value of the first member named `key` (pre-encoded), or nil.
    public subscript(key: JSONKey) -> JSONNode? {
        key.utf8.withUnsafeBufferPointer { member(utf8: $0) }
    }

    /// The value of the first member whose key's unescaped UTF-8 equals `utf8`, or nil.
    public func member(utf8 key: UnsafeBufferPointer<UInt8>) -> JSONNode? {
        guard firstByte == ASCII.openBrace else { return nil }
        let end = Int(truncatingIfNeeded: document.tape[index &+ 1])
        let plain = JSONNode.isPlainKey(key)
        var j = index &+ 2
        while j < end {
            if document.keyEquals(j, key, plain: plain) { return JSONNode(document: document, index: j &+ 1) }
            j = document.next(j &+ 1)
        }
        return nil
    }

    /// True when `key` has no byte that JSON must escape ('"', '\\', controls): its raw form is
    /// then itself, and keys can be compared in the source without decoding.
    @inline(__always)
    static func isPlainKey(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in key where c < 0x20 || c == ASCII.quote || c == ASCII.backslash { return false }
        return true
    }

    /// The elements of an array (empty for other values). Iterating allocates nothing per element.
    public var elements: Elements {
        guard firstByte == ASCII.openBracket else { return Elements(document: document, start: 0, end: 0) }
        return Elements(document: document, start: index &+ 2, end: Int(truncatingIfNeeded: document.tape[index &+ 1]))
    }

    /// The members of an object in source order, keys unescaped (empty for other values).
    public var members: Members { Members(nodes: memberNodes) }

    /// The members of an object in source order as (key node, value node): no String is built for keys.
    public var memberNodes: MemberNodes {
        guard firstByte == ASCII.openBrace else { return MemberNodes(document: document, start: 0, end: 0) }
        return MemberNodes(document: document, start: index &+ 2, end: Int(truncatingIfNeeded: document.tape[index &+ 1]))
    }

    public struct Elements: Sequence, Sendable {
        let document: JSONDocument
        let start: Int
        let end: Int

        public struct Iterator: IteratorProtocol {
            let document: JSONDocument
            var position: Int
            let end: Int
            public mutating func next() -> JSONNode? {
                guard position < end else { return nil }
                let node = JSONNode(document: document, index: position)
                position = document.next(position)
                return node
            }
        }

        public func makeIterator() -> Iterator { Iterator(document: document, position: start, end: end) }

        public var underestimatedCount: Int { start < end ? 1 : 0 }
    }

    public struct MemberNodes: Sequence, Sendable {
        let document: JSONDocument
        let start: Int
        let end: Int

        public struct Iterator: IteratorProtocol {
            let document: JSONDocument
            var position: Int
            let end: Int
            public mutating func next() -> (key: JSONNode, value: JSONNode)? {
                guard position &+ 1 < end else { return nil }
                let key = JSONNode(document: document, index: position)
                let value = JSONNode(document: document, index: position &+ 1)
                position = document.next(position &+ 1)
                return (key, value)
            }
        }

        public func makeIterator() -> Iterator { Iterator(document: document, position: start, end: end) }
    }

    public struct Members: Sequence, Sendable {
        let nodes: MemberNodes

        public struct Iterator: IteratorProtocol {
            var base: MemberNodes.Iterator
            public mutating func next() -> (key: String, value: JSONNode)? {
                guard let (k, v) = base.next() else { return nil }
                return (k.string ?? "", v)
            }
        }

        public func makeIterator() -> Iterator { Iterator(base: nodes.makeIterator()) }
    }

    // MARK: conversion

    /// Converts this value (recursively) to a `JSONValue`. Integer literals in Int64's range become `.int`,
    /// every other number `.double`; duplicate object keys keep the first occurrence.
    public func toValue() -> JSONValue {
        switch kind {
        case .null: return .null
        case .bool: return .bool(bool ?? false)
        case .number:
            if isIntegerLiteral, let i = int64 { return .int(i) }
            return .double(double ?? 0)
        case .string: return .string(string ?? "")
        case .array:
            var array: [JSONValue] = []
            array.reserveCapacity(count)
            for element in elements { array.append(element.toValue()) }
            return .array(array)
        case .object:
            var object = JSONObject(minimumCapacity: count)
            for (key, value) in members where object[key] == nil {
                object[key] = value.toValue()
            }
            return .object(object)
        }
    }
}

extension JSONDocument {
    /// Whether the key at tape entry `j` equals `key` (unescaped); see `JSONRawView.keyEquals`.
    @inline(__always)
    func keyEquals(_ j: Int, _ key: UnsafeBufferPointer<UInt8>, plain: Bool) -> Bool {
        withRawView { $0.keyEquals(j, key, plain: plain) }
    }
}

/// Compares `count` bytes at `a` with the first `count` bytes of `b` (caller checked `b.count >= count`).
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ count: Int) -> Bool {
    guard let bp = b.baseAddress else { return count == 0 }
    var i = 0
    while i &+ 8 <= count {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
        let y = UnsafeRawPointer(bp + i).loadUnaligned(as: UInt64.self)
        if x != y { return false }
        i &+= 8
    }
    while i < count {
        if a[i] != bp[i] { return false }
        i &+= 1
    }
    return true
}

/// Decodes the escapes of validated JSON string content (without quotes) into UTF-8.
/// Defensive on malformed input: never reads out of bounds; a broken escape yields U+FFFD.
func unescapeJSONString(_ s: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    let n = s.count
    var i = 0
    var runStart = 0
    while i < n {
        if s[i] != ASCII.backslash { i &+= 1; continue }
        if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<i])) }
        guard i &+ 1 < n else { i = n; runStart = n; break }
        let e = s[i &+ 1]
        i &+= 2
        switch e {
        case 0x62: out.append(0x08) // b
        case 0x66: out.append(0x0C) // f
        case 0x6E: out.append(0x0A) // n
        case 0x72: out.append(0x0D) // r
        case 0x74: out.append(0x09) // t
        case 0x75: // u
            var scalar: UInt32 = 0xFFFD
            if let unit = readHex4(s, i) {
                i &+= 4
                if unit >= 0xD800 && unit <= 0xDBFF {
                    if i &+ 1 < n, s[i] == ASCII.backslash, s[i &+ 1] == 0x75,
                       let low = readHex4(s, i &+ 2), low >= 0xDC00 && low <= 0xDFFF {
                        scalar = 0x10000 &+ ((unit &- 0xD800) << 10) &+ (low &- 0xDC00)
                        i &+= 6
                    }
                } else if unit < 0xDC00 || unit > 0xDFFF {
                    scalar = unit
                }
            }
            appendUTF8(scalar, to: &out)
        default: out.append(e) // " \ /
        }
        runStart = i
    }
    if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<n])) }
}

@inline(__always)
func readHex4(_ s: UnsafeBufferPointer<UInt8>, _ j: Int) -> UInt32? {
    guard j &+ 4 <= s.count, let a = hexValue(s[j]), let b = hexValue(s[j &+ 1]),
          let c = hexValue(s[j &+ 2]), let d = hexValue(s[j &+ 3]) else { return nil }
    return (a << 12) | (b << 8) | (c << 4) | d
}

@inline(__always)
func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    if v < 0x80 {
        out.append(UInt8(truncatingIfNeeded: v))
    } else if v < 0x800 {
        out.append(UInt8(truncatingIfNeeded: 0xC0 | (v >> 6)))
        out.append(UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F)))
    } else if v < 0x10000 {
        out.append(UInt8(truncatingIfNeeded: 0xE0 | (v >> 12)))
        out.append(UInt8(truncatingIfNeeded: 0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F)))
    } else {
        out.append(UInt8(truncatingIfNeeded: 0xF0 | (v >> 18)))
        out.append(UInt8(truncatingIfNeeded: 0x80 | ((v >> 12) & 0x3F)))
        out.append(UInt8(truncatingIfNeeded: 0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F)))
    }
}

extension JSONNode: CustomStringConvertible {
    /// The value's source text (`rawJSON`).
    public var description: String { rawJSON }
}
