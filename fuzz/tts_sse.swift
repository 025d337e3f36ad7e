// Fuzz target: the Server-Sent Events parser of the Text-to-Speech events route and the base64
// decoder of its audio (Sources/AssemblyAI/TTS/SSEParser.swift), compiled together with this file:
//   swiftc -sanitize=fuzzer,address -parse-as-library fuzz/tts_sse.swift Sources/AssemblyAI/TTS/SSEParser.swift
// Pure code (no I/O) and not part of the C ABI, hence a Swift harness.
//
// Input: byte 0 picks the split size (how the bytes arrive from the socket) and a small size
// limit (bit 7), the rest is the byte stream. Properties checked beyond "no crash": the events
// do not depend on how the stream is split (one piece, or pieces of the chosen size), nor does a
// refusal; an event's data never exceeds the limit; base64 output has the length its input implies.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let control = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let split = Int(control & 0x3F) + 1
    let limit = control & 0x80 != 0 ? 32 : 1 << 20

    func run(_ pieces: Int) -> (events: [SSEEvent], failed: Bool) {
        var parser = SSEParser(maxEventBytes: limit)
        var events: [SSEEvent] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieces)
            do { events += try parser.feed(Array(bytes[offset..<end])) } catch { return (events, true) }
            offset = end
        }
        return (events, false)
    }
    let whole = run(max(1, bytes.count))
    let pieces = run(split)
    precondition(whole.failed == pieces.failed, "a refusal depends on the split")
    if !whole.failed { precondition(whole.events == pieces.events, "events depend on the split") }
    // Invalid UTF-8 decodes to U+FFFD (3 bytes per byte at most).
    for event in whole.events { precondition(event.data.utf8.count <= 3 * limit) }

    // base64: whatever the text, a decode either fails or gives 3 bytes per 4 characters.
    let text = String(decoding: bytes, as: UTF8.self)
    if let decoded = decodeBase64(text) {
        let chars = text.utf8.filter { $0 != UInt8(ascii: "=") }.count
        precondition(decoded.count == chars * 6 / 8, "base64 length")
    }
    return 0
}
