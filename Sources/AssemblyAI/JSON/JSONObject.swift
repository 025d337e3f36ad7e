// JSON layer of the AssemblyAI core: an insertion-ordered JSON object.
// Pure Swift standard library; no Foundation.

/// An insertion-ordered collection of JSON members (unique keys).
///
/// - Setting a new key appends it; setting an existing key replaces its value in place (keeps its position).
/// - Keys are compared by their UTF-8 bytes, as JSON does (not by Unicode canonical equivalence, as `String ==`).
/// - `==` ignores member order (JSON objects are unordered); use `elementsEqual` for an ordered comparison.
/// - Lookups are linear for small objects; above 16 members a hash index is built and kept up to date.
public struct JSONObject: Sendable, Equatable, RandomAccessCollection, ExpressibleByDictionaryLiteral,
    CustomStringConvertible {
    public typealias Element = (key: String, value: JSONValue)
    public typealias Index = Int

    private var entries: [Element] = []
    private var lookup: [ByteKey: Int]? = nil

    private static let indexThreshold = 16

    public init() {}

    /// An empty object with room for `minimumCapacity` members.
    public init(minimumCapacity: Int) {
        entries.reserveCapacity(minimumCapacity)
    }

    /// Builds an object from `members` in order; a repeated key replaces the earlier value (keeping its position).
    public init<S: Sequence>(_ members: S) where S.Element == (String, JSONValue) {
        for (k, v) in members { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        entries.reserveCapacity(elements.count)
        for (k, v) in elements { self[k] = v }
    }

    // MARK: Collection

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }
    public subscript(position: Int) -> Element { entries[position] }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The keys in insertion order.
    public var keys: [String] { entries.map(\.key) }
    /// The values in insertion order.
    public var values: [JSONValue] { entries.map(\.value) }

    // MARK: keyed access

    /// Position of `key`, or nil.
    public func index(forKey key: String) -> Int? {
        if let lookup { return lookup[ByteKey(key)] }
        for i in entries.indices where utf8Equal(entries[i].key, key) { return i }
        return nil
    }

    public func contains(key: String) -> Bool { index(forKey: key) != nil }

    /// Gets the value for `key`; setting a value replaces in place or appends; setting nil removes the key.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = index(forKey: key) else { return nil }
            return entries[i].value
        }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets `value` for `key` (in place if present, else appended). Returns the previous value.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        if let i = index(forKey: key) {
            let old = entries[i].value
            entries[i].value = value
            return old
        }
        entries.append((key, value))
        if lookup != nil {
            lookup?[ByteKey(key)] = entries.count - 1
        } else if entries.count > JSONObject.indexThreshold {
            rebuildLookup()
        }
        return nil
    }

    /// Removes `key` and returns its value (later members move up one position).
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = index(forKey: key) else { return nil }
        let old = entries.remove(at: i).value
        if lookup != nil {
            if entries.count > JSONObject.indexThreshold { rebuildLookup() } else { lookup = nil }
        }
        return old
    }

    public mutating func removeAll() {
        entries.removeAll()
        lookup = nil
    }

    /// Merges `other` into this object: keys of `other` already present get `other`'s value (in place),
    /// new keys are appended in `other`'s order.
    public mutating func merge(_ other: JSONObject) {
        for (k, v) in other.entries { updateValue(v, forKey: k) }
    }

    /// A copy of this object merged with `other` (see `merge`).
    public func merging(_ other: JSONObject) -> JSONObject {
        var copy = self
        copy.merge(other)
        return copy
    }

    private mutating func rebuildLookup() {
        var d: [ByteKey: Int] = [:]
        d.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() { d[ByteKey(e.key)] = i }
        lookup = d
    }

    // MARK: Equatable

    /// Order-insensitive: same keys (by UTF-8 bytes), equal values.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (i, e) in lhs.entries.enumerated() {
            // Fast path: same key at the same position.
            if utf8Equal(rhs.entries[i].key, e.key) {
                if rhs.entries[i].value != e.value { return false }
                continue
            }
            guard let j = rhs.index(forKey: e.key), rhs.entries[j].value == e.value else { return false }
        }
        return true
    }

    /// Ordered comparison: same members in the same order.
    public func elementsEqual(_ other: JSONObject) -> Bool {
        guard entries.count == other.entries.count else { return false }
        for (a, b) in zip(entries, other.entries) where !utf8Equal(a.key, b.key) || a.value != b.value {
            return false
        }
        return true
    }

    public var description: String { JSONValue.object(self).serialized() }
}

/// A String key hashed and compared by its UTF-8 bytes.
struct ByteKey: Hashable, Sendable {
    let string: String
    init(_ string: String) { self.string = string }
    static func == (a: ByteKey, b: ByteKey) -> Bool { utf8Equal(a.string, b.string) }
    func hash(into hasher: inout Hasher) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { Array(string.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
        hasher.combine(string.utf8.count)
    }
}

/// Byte-wise equality of two strings' UTF-8.
@inline(__always)
func utf8Equal(_ a: String, _ b: String) -> Bool {
    let au = a.utf8, bu = b.utf8
    guard au.count == bu.count else { return false }
    let fast: Bool? = au.withContiguousStorageIfAvailable { pa in
        bu.withContiguousStorageIfAvailable { pb in
            guard let base = pa.baseAddress else { return true }
            return bytesEqual(base, pb, pa.count)
        }
    } ?? nil
    if let fast { return fast }
    return au.elementsEqual(bu)
}
