// JSON layer of the AssemblyAI core: the strict one-pass parser that builds the tape of a JSONDocument.
// Pure Swift standard library (and mmap, see LargeMemory); no Foundation.
//
// Tape layout: one UInt32 per entry, the byte offset where a value starts. Everything else is read
// from the source bytes when asked for (the first byte gives the kind, a short scan the length),
// which keeps the index at about half the size of a 100k-word transcript's JSON.
//
//   scalar (and object key):  [offset of its first byte: the opening quote of a string]
//   array/object start:       [offset of the opening bracket] [tape index of the matching end entry]
//   end entry:                [offset of the closing bracket]
//
// An object's children are key, value, key, value, ...; a key is a string entry. The entry after a
// value is at `index + 1` for scalars and `endIndex + 1` for containers, so skipping a subtree is O(1).

@usableFromInline
enum Tape {
    /// Largest document the tape can address (offsets are 32 bits).
    static let maxDocumentSize = Int(UInt32.max)
}

// ASCII bytes used by the parser.
@usableFromInline enum ASCII {
    static let quote: UInt8 = 0x22        // "
    static let backslash: UInt8 = 0x5C    // \
    static let slash: UInt8 = 0x2F        // /
    static let comma: UInt8 = 0x2C
    static let colon: UInt8 = 0x3A
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D // ]
    static let openBrace: UInt8 = 0x7B    // {
    static let closeBrace: UInt8 = 0x7D   // }
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
}

/// Value of an ASCII hex digit, or nil.
@inline(__always)
func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: return UInt32(c &- 0x30)
    case 0x41...0x46: return UInt32(c &- 0x41 &+ 10)
    case 0x61...0x66: return UInt32(c &- 0x61 &+ 10)
    default: return nil
    }
}

/// A short printable description of a byte for error messages.
func describeByte(_ b: UInt8) -> String {
    if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
    let hex = String(b, radix: 16, uppercase: true)
    return "byte 0x" + (hex.count < 2 ? "0" + hex : hex)
}

/// Builds the tape for `bytes`. Throws on the first error. The caller owns the returned memory
/// (`bytes` long, from LargeMemory) and releases it with `LargeMemory.release(tape, bytes)`.
func buildTape(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONError)
    -> (tape: UnsafeMutablePointer<UInt32>, count: Int, bytes: Int) {
    guard let base = buffer.baseAddress, buffer.count > 0 else {
        throw JSONError(.unexpectedEnd, offset: 0, reason: "empty input")
    }
    guard buffer.count <= Tape.maxDocumentSize else {
        throw JSONError(.documentTooLarge, offset: 0, reason: "document larger than 4 GiB - 1 bytes")
    }
    var parser = TapeParser(base: base, count: buffer.count, maxDepth: max(0, maxDepth))
    defer { parser.deallocateStack() }
    do {
        try parser.parse()
    } catch {
        LargeMemory.release(parser.tape, parser.tapeCapacity * 4)
        throw error
    }
    // Give back the unused capacity (in place: no copy).
    guard let exact = LargeMemory.resize(parser.tape, from: parser.tapeCapacity * 4, to: parser.tapeCount * 4) else {
        return (parser.tape, parser.tapeCount, parser.tapeCapacity * 4)
    }
    return (exact.assumingMemoryBound(to: UInt32.self), parser.tapeCount, parser.tapeCount * 4)
}

struct TapeParser {
    let p: UnsafePointer<UInt8>
    let n: Int
    var pos = 0

    var tape: UnsafeMutablePointer<UInt32>
    var tapeCount = 0
    var tapeCapacity: Int

    let maxDepth: Int
    var depth = 0
    /// Per open container: tape index of its start entry.
    var stackStart: UnsafeMutablePointer<Int>

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        p = base
        n = count
        // About one entry per 6 bytes in transcripts; grown with realloc when denser.
        tapeCapacity = max(64, count / 6)
        tape = LargeMemory.allocate(tapeCapacity * 4)!.assumingMemoryBound(to: UInt32.self)
        self.maxDepth = maxDepth
        // Nesting can never exceed the number of input bytes: do not allocate more than that.
        stackStart = .allocate(capacity: min(maxDepth, count) + 1)
    }

    func deallocateStack() { stackStart.deallocate() }

    // MARK: tape

    @inline(__always)
    mutating func reserve(_ k: Int) throws(JSONError) {
        if tapeCount &+ k > tapeCapacity { try grow(k) }
    }

    @inline(never)
    mutating func grow(_ k: Int) throws(JSONError) {
        // Tape indexes are stored in 32 bits too (deeply nested input has more entries than bytes).
        guard tapeCount + k <= Int(UInt32.max) else {
            throw JSONError(.documentTooLarge, offset: pos, reason: "document has too many values to index")
        }
        let newCapacity = min(max(tapeCapacity * 2, tapeCount + k), Int(UInt32.max))
        guard let grown = LargeMemory.resize(tape, from: tapeCapacity * 4, to: newCapacity * 4) else {
            throw JSONError(.documentTooLarge, offset: pos, reason: "out of memory indexing the document")
        }
        tape = grown.assumingMemoryBound(to: UInt32.self)
        tapeCapacity = newCapacity
    }

    @inline(__always)
    mutating func push(_ offset: Int) {
        tape[tapeCount] = UInt32(truncatingIfNeeded: offset)
        tapeCount &+= 1
    }

    // MARK: errors

    func error(_ code: JSONError.Code, _ reason: String, at offset: Int) -> JSONError {
        JSONError(code, offset: offset, reason: reason)
    }

    func endError(_ what: String) -> JSONError {
        JSONError(.unexpectedEnd, offset: n, reason: "unexpected end of input, \(what)")
    }

    func unexpected(_ expected: String) -> JSONError {
        if pos >= n { return endError(expected) }
        return JSONError(.unexpectedCharacter, offset: pos,
                         reason: "unexpected \(describeByte(p[pos])), \(expected)")
    }

    // MARK: whitespace

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < n {
            let c = p[pos]
            if c > ASCII.space { return }
            if c == ASCII.space || c == ASCII.lineFeed || c == ASCII.carriageReturn || c == ASCII.tab {
                pos &+= 1
            } else {
                return
            }
        }
    }

    /// Skips whitespace and returns the next byte (without consuming it).
    @inline(__always)
    mutating func peekToken(_ expected: @autoclosure () -> String) throws(JSONError) -> UInt8 {
        if pos < n && p[pos] > ASCII.space { return p[pos] }
        skipWhitespace()
        guard pos < n else { throw endError(expected()) }
        return p[pos]
    }

    // MARK: main loop

    mutating func parse() throws(JSONError) {
        var inObject = false
        outer: while true {
            // A value starts here.
            try reserve(4)
            let c = try peekToken("expected a value")
            switch c {
            case ASCII.quote:
                try scanString()
            case ASCII.openBrace, ASCII.openBracket:
                let isObject = c == ASCII.openBrace
                guard depth < maxDepth else {
                    throw error(.depthLimitExceeded, "nesting deeper than \(maxDepth) levels", at: pos)
                }
                stackStart[depth] = tapeCount
                depth &+= 1
                push(pos)
                push(0)
                pos &+= 1
                let next = try peekToken(isObject ? "expected a string key or '}'" : "expected a value or ']'")
                if next == (isObject ? ASCII.closeBrace : ASCII.closeBracket) {
                    closeContainer(&inObject)
                } else {
                    inObject = isObject
                    if isObject {
                        guard next == ASCII.quote else { throw unexpected("expected a string key or '}'") }
                        try scanKeyAndColon()
                    }
                    continue outer
                }
            case ASCII.minus, 0x30...0x39:
                try scanNumber()
            case 0x74: // t
                try scanLiteral(0x74_72_75_65, name: "true")
            case 0x66: // f
                guard pos &+ 5 <= n, p[pos &+ 4] == 0x65 else { throw error(.unexpectedCharacter, "invalid literal, expected 'false'", at: pos) }
                try scanLiteral(0x66_61_6C_73, name: "false", extra: 1)
            case 0x6E: // n
                try scanLiteral(0x6E_75_6C_6C, name: "null")
            default:
                throw unexpected("expected a value")
            }

            // A value ended: a separator, a closing bracket, or the end of the document follows.
            while true {
                if depth == 0 { break outer }
                let s = try peekToken(inObject ? "expected ',' or '}'" : "expected ',' or ']'")
                if s == ASCII.comma {
                    pos &+= 1
                    if inObject {
                        try reserve(1)
                        guard try peekToken("expected a string key") == ASCII.quote else {
                            throw unexpected("expected a string key")
                        }
                        try scanKeyAndColon()
                    }
                    continue outer
                }
                if s == (inObject ? ASCII.closeBrace : ASCII.closeBracket) {
                    try reserve(1)
                    closeContainer(&inObject)
                    continue
                }
                throw unexpected(inObject ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        }
        skipWhitespace()
        if pos < n {
            throw error(.trailingContent, "unexpected \(describeByte(p[pos])) after the root value", at: pos)
        }
    }

    @inline(__always)
    mutating func closeContainer(_ inObject: inout Bool) {
        let d = depth &- 1
        tape[stackStart[d] &+ 1] = UInt32(truncatingIfNeeded: tapeCount)
        push(pos)
        pos &+= 1
        depth = d
        inObject = d > 0 && p[Int(tape[stackStart[d &- 1]])] == ASCII.openBrace
    }

    @inline(__always)
    mutating func scanKeyAndColon() throws(JSONError) {
        try scanString()
        let c = try peekToken("expected ':'")
        guard c == ASCII.colon else { throw unexpected("expected ':' after an object key") }
        pos &+= 1
    }

    /// `word` holds the first four bytes big-endian; `extra` bytes after them were checked by the caller.
    @inline(__always)
    mutating func scanLiteral(_ word: UInt32, name: String, extra: Int = 0) throws(JSONError) {
        guard pos &+ 4 <= n,
              p[pos] == UInt8(truncatingIfNeeded: word >> 24),
              p[pos &+ 1] == UInt8(truncatingIfNeeded: word >> 16),
              p[pos &+ 2] == UInt8(truncatingIfNeeded: word >> 8),
              p[pos &+ 3] == UInt8(truncatingIfNeeded: word)
        else {
            throw error(.unexpectedCharacter, "invalid literal, expected '\(name)'", at: pos)
        }
        push(pos)
        pos &+= 4 &+ extra
    }

    // MARK: numbers

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- ASCII.zero < 10 }

    mutating func scanNumber() throws(JSONError) {
        let start = pos
        var i = pos
        if p[i] == ASCII.minus {
            i &+= 1
            guard i < n else { throw endError("expected a digit after '-'") }
        }
        let first = p[i]
        if first == ASCII.zero {
            i &+= 1
            if i < n && TapeParser.isDigit(p[i]) {
                throw error(.invalidNumber, "leading zeros are not allowed", at: i)
            }
        } else if TapeParser.isDigit(first) {
            i &+= 1
            while i < n && TapeParser.isDigit(p[i]) { i &+= 1 }
        } else {
            throw error(.invalidNumber, "expected a digit, found \(describeByte(first))", at: i)
        }
        if i < n && p[i] == ASCII.dot {
            i &+= 1
            guard i < n && TapeParser.isDigit(p[i]) else {
                if i >= n { throw endError("expected a digit after '.'") }
                throw error(.invalidNumber, "expected a digit after '.'", at: i)
            }
            i &+= 1
            while i < n && TapeParser.isDigit(p[i]) { i &+= 1 }
        }
        if i < n && (p[i] | 0x20) == 0x65 { // e or E
            i &+= 1
            if i < n && (p[i] == ASCII.plus || p[i] == ASCII.minus) { i &+= 1 }
            guard i < n && TapeParser.isDigit(p[i]) else {
                if i >= n { throw endError("expected a digit in the exponent") }
                throw error(.invalidNumber, "expected a digit in the exponent", at: i)
            }
            i &+= 1
            while i < n && TapeParser.isDigit(p[i]) { i &+= 1 }
        }
        push(start)
        pos = i
    }

    // MARK: strings

    /// Bit 7 of each byte of the result is set where `w` holds '"', '\\', a byte < 0x20 or a byte >= 0x80.
    /// Only the lowest flagged byte is exact (borrows can flag bytes above it), which is all we use.
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ (ones &* 0x22)
        let b = w ^ (ones &* 0x5C)
        let hasQuote = (q &- ones) & ~q
        let hasBackslash = (b &- ones) & ~b
        let hasControl = (w &- (ones &* 0x20)) & ~w
        return (hasQuote | hasBackslash | hasControl | w) & high
    }

    /// Scans the string starting at `pos` (on its opening quote) and pushes its tape entry.
    mutating func scanString() throws(JSONError) {
        push(pos)
        var i = pos &+ 1
        while true {
            while i &+ 8 <= n {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                let m = TapeParser.specialBytes(w)
                if m != 0 {
                    i &+= m.trailingZeroBitCount &>> 3
                    break
                }
                i &+= 8
            }
            guard i < n else { throw endError("unterminated string") }
            let c = p[i]
            if c == ASCII.quote { break }
            if c == ASCII.backslash {
                i = try scanEscape(i)
            } else if c < 0x20 {
                throw error(.controlCharacterInString,
                            "unescaped control character \(describeByte(c)) in string", at: i)
            } else if c >= 0x80 {
                i = try scanUTF8(i)
            } else {
                i &+= 1
            }
        }
        pos = i &+ 1
    }

    /// Validates the escape at `i` (a backslash); returns the index after it.
    @inline(__always)
    func scanEscape(_ i: Int) throws(JSONError) -> Int {
        guard i &+ 1 < n else { throw endError("unterminated escape sequence") }
        switch p[i &+ 1] {
        case ASCII.quote, ASCII.backslash, ASCII.slash,
             0x62, 0x66, 0x6E, 0x72, 0x74: // b f n r t
            return i &+ 2
        case 0x75: // u
            let unit = try hex4(i &+ 2)
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard i &+ 7 < n, p[i &+ 6] == ASCII.backslash, p[i &+ 7] == 0x75 else {
                    throw error(.invalidEscape, "unpaired high surrogate in \\u escape", at: i)
                }
                let low = try hex4(i &+ 8)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error(.invalidEscape, "high surrogate not followed by a low surrogate", at: i)
                }
                return i &+ 12
            }
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw error(.invalidEscape, "unpaired low surrogate in \\u escape", at: i)
            }
            return i &+ 6
        default:
            throw error(.invalidEscape, "invalid escape sequence '\\' followed by \(describeByte(p[i &+ 1]))", at: i)
        }
    }

    @inline(__always)
    func hex4(_ j: Int) throws(JSONError) -> UInt32 {
        guard j &+ 4 <= n else { throw endError("incomplete \\u escape") }
        guard let a = hexValue(p[j]), let b = hexValue(p[j &+ 1]),
              let c = hexValue(p[j &+ 2]), let d = hexValue(p[j &+ 3]) else {
            throw error(.invalidEscape, "\\u escape needs four hex digits", at: j &- 2)
        }
        return (a << 12) | (b << 8) | (c << 4) | d
    }

    /// Validates one UTF-8 sequence starting at `i` (a byte >= 0x80); returns the index after it.
    @inline(__always)
    func scanUTF8(_ i: Int) throws(JSONError) -> Int {
        let b0 = p[i]
        var length: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: length = 3
        case 0xED: length = 3; hi = 0x9F
        case 0xF0: length = 4; lo = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; hi = 0x8F
        default:
            throw error(.invalidUTF8, "invalid UTF-8 byte \(describeByte(b0)) in string", at: i)
        }
        guard i &+ length <= n else {
            throw error(.invalidUTF8, "truncated UTF-8 sequence in string", at: i)
        }
        let b1 = p[i &+ 1]
        guard b1 >= lo && b1 <= hi else {
            throw error(.invalidUTF8, "invalid UTF-8 sequence in string", at: i)
        }
        var k = 2
        while k < length {
            guard p[i &+ k] & 0xC0 == 0x80 else {
                throw error(.invalidUTF8, "invalid UTF-8 sequence in string", at: i)
            }
            k &+= 1
        }
        return i &+ length
    }
}
