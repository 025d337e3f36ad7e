// JSON layer of the AssemblyAI core: the document's bytes and tape as plain pointers, for hot loops
// inside this module (the word table reads 100k words): no JSONNode per value, so no reference
// counting per value. The document must outlive the view (use it inside `withRawView`).

struct JSONRawView {
    let b: UnsafeBufferPointer<UInt8>
    let tape: UnsafePointer<UInt32>

    @inline(__always) func offset(_ j: Int) -> Int { Int(truncatingIfNeeded: tape[j]) }
    @inline(__always) func firstByte(_ j: Int) -> UInt8 { b[offset(j)] }
    @inline(__always) func isObject(_ j: Int) -> Bool { firstByte(j) == ASCII.openBrace }
    @inline(__always) func isArray(_ j: Int) -> Bool { firstByte(j) == ASCII.openBracket }
    /// Tape index of a container's end entry (its children lie between j + 2 and it).
    @inline(__always) func endIndex(_ j: Int) -> Int { Int(truncatingIfNeeded: tape[j &+ 1]) }

    /// Tape index of the entry after the value at `j`.
    @inline(__always) func next(_ j: Int) -> Int {
        let c = firstByte(j)
        if c == ASCII.openBrace || c == ASCII.openBracket { return endIndex(j) &+ 1 }
        return j &+ 1
    }

    @inline(__always) func isNumber(_ c: UInt8) -> Bool { c == ASCII.minus || c &- ASCII.zero < 10 }

    /// As `JSONNode.int64`.
    @inline(__always) func int64(_ j: Int) -> Int64? {
        let start = offset(j)
        guard isNumber(b[start]), let base = b.baseAddress else { return nil }
        let (length, decimal) = JSONDocument.numberEnd(b, start)
        if !decimal { return JSONNumberParsing.integerToInt64(base + start, length) }
        return JSONNumberParsing.decimalToInt64(base + start, length)
    }

    /// As `JSONNode.double`.
    @inline(__always) func double(_ j: Int) -> Double? {
        let start = offset(j)
        guard isNumber(b[start]), let base = b.baseAddress else { return nil }
        return JSONNumberParsing.toDouble(base + start, JSONDocument.numberEnd(b, start).length)
    }

    /// A string's raw content (between the quotes) and whether it has escapes; nil for other values.
    @inline(__always) func rawString(_ j: Int) -> (bytes: UnsafeBufferPointer<UInt8>, escaped: Bool)? {
        let quote = offset(j)
        guard b[quote] == ASCII.quote else { return nil }
        let (end, escaped) = JSONDocument.stringEnd(b, quote)
        return (UnsafeBufferPointer(rebasing: b[(quote &+ 1) ..< end]), escaped)
    }

    /// Calls `body` with a string's unescaped UTF-8 (in place when it has no escapes); nil for other values.
    @inline(__always) func withString<R>(_ j: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard let (raw, escaped) = rawString(j) else { return nil }
        if !escaped { return body(raw) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        unescapeJSONString(raw, into: &decoded)
        return decoded.withUnsafeBufferPointer(body)
    }

    /// Whether the key at tape entry `j` equals `key` (unescaped). A plain key (see
    /// `JSONNode.isPlainKey`) is compared with the source bytes in place: the first difference
    /// decides, unless it falls on a backslash (the source key has escapes: decode and compare).
    @inline(__always)
    func keyEquals(_ j: Int, _ key: UnsafeBufferPointer<UInt8>, plain: Bool) -> Bool {
        let k = key.count
        if plain, let base = b.baseAddress, let kp = key.baseAddress ?? (k == 0 ? base : nil) {
            let s = offset(j) &+ 1
            // A raw key is at least as long as its value, and closes inside the document.
            guard s &+ k < b.count else { return false }
            var i = 0
            while i &+ 8 <= k {
                if UnsafeRawPointer(base + (s &+ i)).loadUnaligned(as: UInt64.self)
                    != UnsafeRawPointer(kp + i).loadUnaligned(as: UInt64.self) { break }
                i &+= 8
            }
            while i < k && base[s &+ i] == kp[i] { i &+= 1 }
            if i == k { return base[s &+ k] == ASCII.quote }
            if base[s &+ i] != ASCII.backslash { return false }
        }
        return withString(j) { $0.count == k && (k == 0 || bytesEqual($0.baseAddress!, key, k)) } ?? false
    }
}

extension JSONDocument {
    /// Calls `body` with a raw view of this document (valid only inside `body`).
    @inline(__always)
    func withRawView<R>(_ body: (JSONRawView) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(JSONRawView(b: $0, tape: UnsafePointer(tape))) }
    }
}
