import AssemblyAI
import CAssemblyAI
import Glibc

/// Memory for the C views of one response (strings, struct arrays), allocated in large chunks
/// and freed all at once with its owner: a 100k-word view costs a handful of allocations, and
/// every pointer handed to C stays valid exactly as long as the handle that owns the arena.
final class CArena {
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var left = 0
    private static let chunkSize = 64 * 1024

    deinit { for chunk in chunks { free(chunk) } }

    /// Raw bytes with the given alignment.
    func allocate(bytes: Int, alignment: Int = 8) -> UnsafeMutableRawPointer {
        let padding = cursor.map { (alignment - Int(bitPattern: $0) % alignment) % alignment } ?? 0
        if bytes + padding > left {
            let size = max(CArena.chunkSize, bytes + alignment)
            let chunk = malloc(size)!
            chunks.append(chunk)
            cursor = chunk
            left = size
            let pad = (alignment - Int(bitPattern: chunk) % alignment) % alignment
            cursor = chunk + pad
            left -= pad
        } else {
            cursor = cursor! + padding
            left -= padding
        }
        let p = cursor!
        cursor = p + bytes
        left -= bytes
        return p
    }

    /// An array of `count` values of T, zero-filled; nil for 0.
    func array<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T>? {
        guard count > 0 else { return nil }
        let bytes = MemoryLayout<T>.stride * count
        let p = allocate(bytes: bytes, alignment: MemoryLayout<T>.alignment)
        memset(p, 0, bytes)
        return p.bindMemory(to: T.self, capacity: count)
    }

    /// A NUL-terminated copy of a Swift string.
    func string(_ value: String) -> UnsafePointer<CChar> {
        var value = value
        return value.withUTF8 { bytes($0) }
    }

    /// A NUL-terminated copy of a Swift string; nil for nil.
    func string(_ value: String?) -> UnsafePointer<CChar>? { value.map { string($0) } }

    private func bytes(_ b: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar> {
        let p = allocate(bytes: b.count + 1, alignment: 1)
        if let base = b.baseAddress { memcpy(p, base, b.count) }
        p.storeBytes(of: 0, toByteOffset: b.count, as: UInt8.self)
        return UnsafePointer(p.assumingMemoryBound(to: CChar.self))
    }

    /// An array of `T` made by `make` from each of `values`, in order; nil for none.
    func array<S: Collection, T>(_ values: S, _ make: (S.Element) -> T) -> UnsafePointer<T>? {
        guard let out = array(T.self, count: values.count) else { return nil }
        var i = 0
        for value in values {
            out[i] = make(value)
            i += 1
        }
        return UnsafePointer(out)
    }

    /// `words` as an aai_word array in this arena (nil, 0 for none), labels through `strings`.
    func words(_ words: [Word], _ strings: inout CStrings) -> (UnsafePointer<aai_word>?, Int) {
        let out = array(words) { w in
            aai_word(text: strings.text(w.text), start: w.start, end: w.end, confidence: w.confidence,
                     speaker: strings.label(w.speaker), channel: strings.label(w.channel))
        }
        return (out, out == nil ? 0 : words.count)
    }
}

/// Copies the strings of one C view (a struct array and what it points to) into an arena,
/// following the header's rule: a string documented "or NULL" is NULL when the value is nil
/// (`label`), every other string is "" then (`text`; the core decodes a missing text as "").
/// Labels (speakers, channels, sentiments, entity types, topics, ...) are stored once each per
/// view, so equal labels share one pointer.
struct CStrings {
    let arena: CArena
    private var labels: [String: UnsafePointer<CChar>] = [:]

    init(_ arena: CArena) { self.arena = arena }

    /// A string that is never NULL.
    func text(_ value: String) -> UnsafePointer<CChar> { arena.string(value) }

    /// A label: NULL for nil, otherwise stored once.
    mutating func label(_ value: String?) -> UnsafePointer<CChar>? {
        guard let value else { return nil }
        return label(value)
    }

    /// A label that is never NULL, stored once.
    mutating func label(_ value: String) -> UnsafePointer<CChar> {
        if let stored = labels[value] { return stored }
        let stored = arena.string(value)
        labels[value] = stored
        return stored
    }
}
