// JSON layer of the AssemblyAI core: a JSON value tree for writing requests and handling small documents.
// Pure Swift standard library; no Foundation.

/// A JSON value.
///
/// Numbers: `.int` for integers, `.double` for everything else. `.int(1) != .double(1)` (cases compare as
/// cases); use `doubleValue`/`int64Value` to compare numerically. Objects keep insertion order (`JSONObject`).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    // MARK: parsing

    /// Parses `bytes` strictly (RFC 8259; see `JSONDocument`). Integer literals that fit Int64 become `.int`,
    /// other numbers `.double` (integers beyond Int64 lose precision); a duplicated key keeps its first value.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) -> JSONValue {
        try JSONDocument(bytes: bytes, maxDepth: maxDepth).root.toValue()
    }

    /// Parses the UTF-8 encoding of `string` (see `parse(_: [UInt8])`).
    public static func parse(_ string: String, maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) -> JSONValue {
        try parse(Array(string.utf8), maxDepth: maxDepth)
    }

    // MARK: inspection

    public var kind: JSONKind {
        switch self {
        case .null: return .null
        case .bool: return .bool
        case .int, .double: return .number
        case .string: return .string
        case .array: return .array
        case .object: return .object
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    /// `.int` as is; `.double` if it is integral and exactly convertible to Int64.
    public var int64Value: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(exactly: d)
        default: return nil
        }
    }

    /// `.double` as is; `.int` converted (rounded to nearest when beyond 2^53).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// The member `key` of an object (nil for missing keys and non-objects).
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index` of an array (nil when out of range or not an array).
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var o = JSONObject(minimumCapacity: elements.count)
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact serialization.
    public var description: String { serialized() }
}

// MARK: - Serialization

extension JSONValue {
    /// Compact JSON text. Strings are escaped per RFC 8259 (`"`, `\`, and U+0000...U+001F; `/` and non-ASCII
    /// are written as is). Doubles use Swift's shortest round-trip form (`0.1`, `100.0`, `1e+16`); non-finite
    /// doubles (NaN, ±infinity) have no JSON form and are written as `null`.
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// The UTF-8 bytes of `serialized()`.
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        serialize(into: &out)
        return out
    }

    /// Appends the compact serialization to `out`.
    public func serialize(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(true): out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case .bool(false): out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .int(let i): JSONWriter.appendInt(i, to: &out)
        case .double(let d): JSONWriter.appendDouble(d, to: &out)
        case .string(let s): JSONWriter.appendString(s, to: &out)
        case .array(let a):
            out.append(ASCII.openBracket)
            var first = true
            for v in a {
                if !first { out.append(ASCII.comma) }
                first = false
                v.serialize(into: &out)
            }
            out.append(ASCII.closeBracket)
        case .object(let o):
            out.append(ASCII.openBrace)
            var first = true
            for (k, v) in o {
                if !first { out.append(ASCII.comma) }
                first = false
                JSONWriter.appendString(k, to: &out)
                out.append(ASCII.colon)
                v.serialize(into: &out)
            }
            out.append(ASCII.closeBrace)
        }
    }
}

/// Low-level writers, usable to emit JSON without building a `JSONValue`.
public enum JSONWriter {
    /// Appends `s` as a quoted, escaped JSON string.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(ASCII.quote)
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { appendEscaped($0, to: &out) }
        if done == nil {
            Array(s.utf8).withUnsafeBufferPointer { appendEscaped($0, to: &out) }
        }
        out.append(ASCII.quote)
    }

    /// Appends the escaped form of UTF-8 `bytes` (without quotes).
    public static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c >= 0x20 && c != ASCII.quote && c != ASCII.backslash { i &+= 1; continue }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            out.append(ASCII.backslash)
            switch c {
            case ASCII.quote: out.append(ASCII.quote)
            case ASCII.backslash: out.append(ASCII.backslash)
            case 0x08: out.append(0x62) // b
            case 0x0C: out.append(0x66) // f
            case 0x0A: out.append(0x6E) // n
            case 0x0D: out.append(0x72) // r
            case 0x09: out.append(0x74) // t
            default: // \u00XX, lowercase hex
                let low = c & 0xF
                out.append(contentsOf: [0x75, 0x30, 0x30, 0x30 &+ (c >> 4), low < 10 ? 0x30 &+ low : 0x57 &+ low])
            }
            i &+= 1
            runStart = i
        }
        if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
    }

    /// Appends the decimal form of `value`.
    public static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { out.append(ASCII.minus) }
        if magnitude < 10 { out.append(ASCII.zero &+ UInt8(truncatingIfNeeded: magnitude)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of scratch, enough for 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var k = raw.count
            while magnitude > 0 {
                k -= 1
                raw[k] = ASCII.zero &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[k...]))
        }
    }

    /// Appends `value` in Swift's shortest round-trip form; non-finite values are written as `null`.
    public static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            return
        }
        out.append(contentsOf: value.description.utf8)
    }
}
