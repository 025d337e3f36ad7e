// JSON layer of the AssemblyAI core: reading the same few members from many objects of one shape.

/// Reads a fixed set of members from many objects that (usually) share their key order, as a
/// transcript's 100k words do: one pass over each object's members, comparing each key first with
/// the key found at the same position in the previous object, so a lookup costs one comparison
/// instead of a scan. Any order, missing or extra keys still give the exact answer (the first
/// occurrence of a duplicated key wins, as with `node[key]`).
public struct MemberReader {
    private let keys: [[UInt8]]
    private let plain: [Bool]
    /// Per member position: the key found there in the previous object, or -1.
    private var guess: [Int] = []
    /// Per key: tape index of its value in the last object read, or -1.
    private var found: [Int]
    private var document: JSONDocument?

    public init(keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
        plain = self.keys.map { k in k.withUnsafeBufferPointer { JSONNode.isPlainKey($0) } }
        found = Array(repeating: -1, count: keys.count)
    }

    /// Reads `object`'s members (none if it is not an object).
    public mutating func read(_ object: JSONNode) {
        document = object.document
        object.document.withRawView { read($0, object: object.index) }
    }

    /// Reads the members of the value at tape index `object` (see `value`/`index` for the results).
    mutating func read(_ v: JSONRawView, object: Int) {
        for k in found.indices { found[k] = -1 }
        guard v.isObject(object) else { return }
        let end = v.endIndex(object)
        var j = object &+ 2
        var position = 0
        var missing = keys.count
        while j < end && missing > 0 {
            if position == guess.count { guess.append(-1) }
            let g = guess[position]
            if g >= 0 && found[g] < 0 && keys[g].withUnsafeBufferPointer({ v.keyEquals(j, $0, plain: plain[g]) }) {
                found[g] = j &+ 1
                missing -= 1
            } else {
                guess[position] = -1
                for k in keys.indices where k != g && found[k] < 0 {
                    if keys[k].withUnsafeBufferPointer({ v.keyEquals(j, $0, plain: plain[k]) }) {
                        found[k] = j &+ 1
                        guess[position] = k
                        missing -= 1
                        break
                    }
                }
            }
            position &+= 1
            j = v.next(j &+ 1)
        }
    }

    /// Tape index of key number `k`'s value in the last object read, or -1.
    @inline(__always) func index(_ k: Int) -> Int { found[k] }

    /// The value of key number `k` (in the order given to init) in the last object read, or nil.
    @inline(__always)
    public func value(_ k: Int) -> JSONNode? {
        guard found[k] >= 0, let document else { return nil }
        return JSONNode(document: document, index: found[k])
    }
}
