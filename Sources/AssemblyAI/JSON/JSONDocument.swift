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
public final class JSONDocument: Sendable {
    /// The default maximum nesting depth of arrays and objects.
    public static let defaultMaxDepth = 512

    /// The source bytes (the document keeps them; `JSONNode.rawBytes` are slices of this array).
    public let bytes: [UInt8]
    @usableFromInline let tape: [UInt64]

    /// Parses and validates `bytes`.
    /// - Parameter maxDepth: maximum number of nested arrays/objects; deeper input throws `.depthLimitExceeded`.
    public init(bytes: [UInt8], maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) {
        self.bytes = bytes
        self.hasTrailingNUL = false
        let result: Result<[UInt64], JSONError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONError) {
                return .success(try buildTape(buffer, maxDepth: maxDepth))
            } catch {
                return .failure(error)
            }
        }
        self.tape = try result.get()
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
        let result: Result<[UInt64], JSONError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONError) {
                return .success(try buildTape(UnsafeBufferPointer(rebasing: buffer.dropLast()), maxDepth: maxDepth))
            } catch {
                return .failure(error)
            }
        }
        self.tape = try result.get()
    }

    /// Parses and validates the UTF-8 encoding of `string`.
    public convenience init(string: String, maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) {
        try self.init(bytes: Array(string.utf8), maxDepth: maxDepth)
    }

    /// The root value.
    public var root: JSONNode { JSONNode(document: self, index: 0) }

    /// Number of tape entries (a rough measure of the index's size: 8 bytes each).
    public var tapeEntryCount: Int { tape.count }
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

    @inline(__always) var word: UInt64 { document.tape[index] }
    @inline(__always) var tapeKindBits: UInt64 { Tape.kindBits(document.tape[index]) }

    // MARK: type

    /// The value's type.
    public var kind: JSONKind {
        switch tapeKindBits {
        case TapeKind.null.rawValue: return .null
        case TapeKind.true.rawValue, TapeKind.false.rawValue: return .bool
        case TapeKind.integer.rawValue, TapeKind.decimal.rawValue: return .number
        case TapeKind.string.rawValue, TapeKind.escapedString.rawValue: return .string
        case TapeKind.array.rawValue: return .array
        default: return .object
        }
    }

    public var isNull: Bool { tapeKindBits == TapeKind.null.rawValue }
    public var isArray: Bool { tapeKindBits == TapeKind.array.rawValue }
    public var isObject: Bool { tapeKindBits == TapeKind.object.rawValue }
    public var isString: Bool {
        let k = tapeKindBits
        return k == TapeKind.string.rawValue || k == TapeKind.escapedString.rawValue
    }
    public var isNumber: Bool {
        let k = tapeKindBits
        return k == TapeKind.integer.rawValue || k == TapeKind.decimal.rawValue
    }
    /// True for a number written without fraction or exponent (e.g. `42`, `-7`, but not `1.0` or `1e2`).
    public var isIntegerLiteral: Bool { tapeKindBits == TapeKind.integer.rawValue }

    // MARK: scalars

    public var bool: Bool? {
        switch tapeKindBits {
        case TapeKind.true.rawValue: return true
        case TapeKind.false.rawValue: return false
        default: return nil
        }
    }

    /// The number as Int64 if it is mathematically an integer within Int64's range (`1e2` and `1.0` qualify,
    /// `1.5` and `9223372036854775808` do not). Exact: decided from the decimal text, not through Double.
    public var int64: Int64? {
        let w = word
        let k = Tape.kindBits(w)
        guard k == TapeKind.integer.rawValue || k == TapeKind.decimal.rawValue else { return nil }
        let start = Tape.offset(w)
        let length = numberLength(w)
        return document.bytes.withUnsafeBufferPointer { b -> Int64? in
            guard let base = b.baseAddress, start &+ length <= b.count else { return nil }
            if k == TapeKind.integer.rawValue {
                return JSONNumberParsing.integerToInt64(base + start, length)
            }
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
        let w = word
        let k = Tape.kindBits(w)
        guard k == TapeKind.integer.rawValue || k == TapeKind.decimal.rawValue else { return nil }
        let start = Tape.offset(w)
        let length = numberLength(w)
        return document.bytes.withUnsafeBufferPointer { b -> Double? in
            guard let base = b.baseAddress, start &+ length <= b.count else { return nil }
            return JSONNumberParsing.toDouble(base + start, length)
        }
    }

    /// The unescaped string, or nil if this is not a string.
    public var string: String? {
        let w = word
        let k = Tape.kindBits(w)
        if k == TapeKind.string.rawValue {
            let start = Tape.offset(w)
            let length = stringLength(w)
            return document.bytes.withUnsafeBufferPointer { b -> String? in
                guard let base = b.baseAddress, start &+ length <= b.count else { return nil }
                return String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
            }
        }
        if k == TapeKind.escapedString.rawValue {
            var buffer: [UInt8] = []
            buffer.reserveCapacity(stringLength(w))
            appendEscaped(w, to: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        }
        return nil
    }

    /// Appends the string's unescaped UTF-8 bytes to `buffer` (nothing else: no terminator). Returns false,
    /// leaving `buffer` unchanged, if this is not a string. Note: a `\u0000` escape yields a NUL byte.
    @discardableResult
    public func appendUnescapedString(to buffer: inout [UInt8]) -> Bool {
        let w = word
        let k = Tape.kindBits(w)
        if k == TapeKind.string.rawValue {
            let start = Tape.offset(w)
            let length = stringLength(w)
            return document.bytes.withUnsafeBufferPointer { b -> Bool in
                guard let base = b.baseAddress, start &+ length <= b.count else { return false }
                buffer.append(contentsOf: UnsafeBufferPointer(start: base + start, count: length))
                return true
            }
        }
        if k == TapeKind.escapedString.rawValue {
            appendEscaped(w, to: &buffer)
            return true
        }
        return false
    }

    /// True if this is a string whose unescaped UTF-8 equals `utf8` (no allocation).
    public func stringEquals(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let w = word
        let k = Tape.kindBits(w)
        if k == TapeKind.string.rawValue {
            let start = Tape.offset(w)
            let length = stringLength(w)
            guard length == utf8.count else { return false }
            return document.bytes.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress, start &+ length <= b.count else { return false }
                return bytesEqual(base + start, utf8, length)
            }
        }
        if k == TapeKind.escapedString.rawValue {
            var buffer: [UInt8] = []
            appendEscaped(w, to: &buffer)
            return buffer.elementsEqual(utf8)
        }
        return false
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
        let w = word
        let start = Tape.offset(w)
        let k = Tape.kindBits(w)
        let tape = document.tape
        let end: Int
        switch k {
        case TapeKind.string.rawValue, TapeKind.escapedString.rawValue:
            return (start &- 1) ..< (start &+ stringLength(w) &+ 1)
        case TapeKind.integer.rawValue, TapeKind.decimal.rawValue:
            end = start &+ numberLength(w)
        case TapeKind.array.rawValue, TapeKind.object.rawValue:
            let endIndex = Int(truncatingIfNeeded: tape[index &+ 1])
            end = Tape.offset(tape[endIndex]) &+ 1
        default:
            end = start &+ Tape.lengthField(w)
        }
        return start ..< end
    }

    // MARK: containers

    /// Number of elements of an array or members of an object; 0 for other values.
    public var count: Int {
        let w = word
        let k = Tape.kindBits(w)
        guard k == TapeKind.array.rawValue || k == TapeKind.object.rawValue else { return 0 }
        let c = Tape.lengthField(w)
        if c < Int(Tape.lengthMask) { return c }
        // Saturated: count by walking.
        let tape = document.tape
        let end = Int(truncatingIfNeeded: tape[index &+ 1])
        var j = index &+ 2
        var n = 0
        while j < end {
            if k == TapeKind.object.rawValue { j &+= 1 }
            j = JSONNode.next(tape, j)
            n &+= 1
        }
        return n
    }

    /// Tape index of the entry after the value at `j`.
    @inline(__always)
    static func next(_ tape: [UInt64], _ j: Int) -> Int {
        let k = Tape.kindBits(tape[j])
        if k == TapeKind.array.rawValue || k == TapeKind.object.rawValue {
            return Int(truncatingIfNeeded: tape[j &+ 1]) &+ 1
        }
        return j &+ 1
    }

    /// The array element at `index` (O(index): elements are skipped in O(1) each), or nil.
    public subscript(index: Int) -> JSONNode? {
        let tape = document.tape
        guard Tape.kindBits(tape[self.index]) == TapeKind.array.rawValue, index >= 0 else { return nil }
        let end = Int(truncatingIfNeeded: tape[self.index &+ 1])
        var j = self.index &+ 2
        var i = 0
        while j < end {
            if i == index { return JSONNode(document: document, index: j) }
            j = JSONNode.next(tape, j)
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
        let index = self.index
        let found: Int = document.tape.withUnsafeBufferPointer { tape -> Int in
            guard Tape.kindBits(tape[index]) == TapeKind.object.rawValue else { return -1 }
            let end = Int(truncatingIfNeeded: tape[index &+ 1])
            return document.bytes.withUnsafeBufferPointer { b -> Int in
                guard let base = b.baseAddress else { return -1 }
                var j = index &+ 2
                while j < end {
                    let w = tape[j]
                    let length = Tape.lengthField(w)
                    if Tape.kindBits(w) == TapeKind.string.rawValue && length < Int(Tape.lengthMask) {
                        if length == key.count {
                            let start = Tape.offset(w)
                            if start &+ length <= b.count && bytesEqual(base + start, key, length) { return j &+ 1 }
                        }
                    } else if JSONNode(document: document, index: j).stringEquals(key) {
                        return j &+ 1
                    }
                    // Skip the value.
                    let v = tape[j &+ 1]
                    let k = Tape.kindBits(v)
                    if k == TapeKind.array.rawValue || k == TapeKind.object.rawValue {
                        j = Int(truncatingIfNeeded: tape[j &+ 2]) &+ 1
                    } else {
                        j &+= 2
                    }
                }
                return -1
            }
        }
        guard found >= 0 else { return nil }
        return JSONNode(document: document, index: found)
    }

    /// The elements of an array (empty for other values). Iterating allocates nothing per element.
    public var elements: Elements {
        let tape = document.tape
        guard Tape.kindBits(tape[index]) == TapeKind.array.rawValue else {
            return Elements(document: document, start: 0, end: 0)
        }
        return Elements(document: document, start: index &+ 2, end: Int(truncatingIfNeeded: tape[index &+ 1]))
    }

    /// The members of an object in source order, keys unescaped (empty for other values).
    public var members: Members { Members(nodes: memberNodes) }

    /// The members of an object in source order as (key node, value node): no String is built for keys.
    public var memberNodes: MemberNodes {
        let tape = document.tape
        guard Tape.kindBits(tape[index]) == TapeKind.object.rawValue else {
            return MemberNodes(document: document, start: 0, end: 0)
        }
        return MemberNodes(document: document, start: index &+ 2, end: Int(truncatingIfNeeded: tape[index &+ 1]))
    }

    public struct Elements: Sequence, Sendable {
        let document: JSONDocument
        let start: Int
        let end: Int

        public struct Iterator: IteratorProtocol {
            let document: JSONDocument
            let tape: [UInt64]
            var position: Int
            let end: Int
            public mutating func next() -> JSONNode? {
                guard position < end else { return nil }
                let node = JSONNode(document: document, index: position)
                position = JSONNode.next(tape, position)
                return node
            }
        }

        public func makeIterator() -> Iterator {
            Iterator(document: document, tape: document.tape, position: start, end: end)
        }

        public var underestimatedCount: Int { start < end ? 1 : 0 }
    }

    public struct MemberNodes: Sequence, Sendable {
        let document: JSONDocument
        let start: Int
        let end: Int

        public struct Iterator: IteratorProtocol {
            let document: JSONDocument
            let tape: [UInt64]
            var position: Int
            let end: Int
            public mutating func next() -> (key: JSONNode, value: JSONNode)? {
                guard position &+ 1 < end else { return nil }
                let key = JSONNode(document: document, index: position)
                let value = JSONNode(document: document, index: position &+ 1)
                position = JSONNode.next(tape, position &+ 1)
                return (key, value)
            }
        }

        public func makeIterator() -> Iterator {
            Iterator(document: document, tape: document.tape, position: start, end: end)
        }
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
        switch tapeKindBits {
        case TapeKind.null.rawValue: return .null
        case TapeKind.true.rawValue: return .bool(true)
        case TapeKind.false.rawValue: return .bool(false)
        case TapeKind.integer.rawValue:
            if let i = int64 { return .int(i) }
            return .double(double ?? 0)
        case TapeKind.decimal.rawValue: return .double(double ?? 0)
        case TapeKind.string.rawValue, TapeKind.escapedString.rawValue: return .string(string ?? "")
        case TapeKind.array.rawValue:
            var array: [JSONValue] = []
            array.reserveCapacity(count)
            for element in elements { array.append(element.toValue()) }
            return .array(array)
        default:
            var object = JSONObject(minimumCapacity: count)
            for (key, value) in members where object[key] == nil {
                object[key] = value.toValue()
            }
            return .object(object)
        }
    }

    // MARK: helpers

    @inline(__always)
    func stringLength(_ w: UInt64) -> Int {
        let length = Tape.lengthField(w)
        if length < Int(Tape.lengthMask) { return length }
        return document.bytes.withUnsafeBufferPointer { b in
            var i = Tape.offset(w)
            while i < b.count {
                let c = b[i]
                if c == ASCII.quote { break }
                i &+= c == ASCII.backslash ? 2 : 1
            }
            return i &- Tape.offset(w)
        }
    }

    @inline(__always)
    func numberLength(_ w: UInt64) -> Int {
        let length = Tape.lengthField(w)
        if length < Int(Tape.lengthMask) { return length }
        return document.bytes.withUnsafeBufferPointer { b in
            var i = Tape.offset(w)
            while i < b.count {
                let c = b[i]
                guard (c &- ASCII.zero) < 10 || c == ASCII.minus || c == ASCII.plus
                        || c == ASCII.dot || c | 0x20 == 0x65 else { break }
                i &+= 1
            }
            return i &- Tape.offset(w)
        }
    }

    /// Appends the unescaped content of the (escaped) string entry `w`.
    func appendEscaped(_ w: UInt64, to out: inout [UInt8]) {
        let start = Tape.offset(w)
        let length = stringLength(w)
        document.bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, start &+ length <= b.count else { return }
            unescapeJSONString(UnsafeBufferPointer(start: base + start, count: length), into: &out)
        }
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
