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

    /// A NUL-terminated copy of a JSON string node (unescaped); nil for absent, null or non-strings.
    func string(_ node: JSONNode?) -> UnsafePointer<CChar>? {
        guard let node, node.kind == .string else { return nil }
        scratch.removeAll(keepingCapacity: true)
        _ = node.appendUnescapedString(to: &scratch)
        return bytes(scratch)
    }

    /// A NUL-terminated copy of a Swift string; nil for nil.
    func string(_ value: String?) -> UnsafePointer<CChar>? {
        guard let value else { return nil }
        return bytes(Array(value.utf8))
    }

    private var scratch: [UInt8] = []

    private func bytes(_ b: [UInt8]) -> UnsafePointer<CChar> {
        let p = allocate(bytes: b.count + 1, alignment: 1)
        b.withUnsafeBytes { src in if let base = src.baseAddress { memcpy(p, base, b.count) } }
        p.storeBytes(of: 0, toByteOffset: b.count, as: UInt8.self)
        return UnsafePointer(p.assumingMemoryBound(to: CChar.self))
    }

    /// The words of a JSON array of `Word` objects as an aai_word array in this arena.
    func words(_ array: JSONNode?) -> (UnsafePointer<aai_word>?, Int) {
        guard let array, array.kind == .array, array.count > 0 else { return (nil, 0) }
        let n = array.count
        let out = self.array(aai_word.self, count: n)!
        var labels: [String: UnsafePointer<CChar>] = [:]  // speakers and channels, stored once
        func label(_ node: JSONNode?) -> UnsafePointer<CChar>? {
            guard let s = node?.string else { return nil }
            if let p = labels[s] { return p }
            let p = string(s)!
            labels[s] = p
            return p
        }
        var i = 0
        for w in array.elements {
            out[i] = aai_word(text: string(w["text"]) ?? string(""), start: w["start"]?.int64 ?? 0, end: w["end"]?.int64 ?? 0,
                              confidence: w["confidence"]?.double ?? 0, speaker: label(w["speaker"]), channel: label(w["channel"]))
            i += 1
        }
        return (UnsafePointer(out), i)
    }
}
