// Fuzz target: the WebSocket frame decoder and message assembler (WebSocketCodec.swift) and the
// handshake answer parser (WebSocketHandshake.swift), compiled together with this file:
//   swiftc -sanitize=fuzzer,address -parse-as-library fuzz/websocket_frames.swift \
//     Sources/AssemblyAI/Streaming/WebSocketCodec.swift Sources/AssemblyAI/Streaming/WebSocketHandshake.swift
// They are pure code (no I/O) and not part of the C ABI, hence a Swift harness.
//
// Input: byte 0 picks the split size (how the bytes arrive from the socket) and the mode
// (client side: unmasked frames expected; server side: masked), the rest is the byte stream.
// Properties checked beyond "no crash": a frame the parser returns re-encodes to exactly the
// bytes it consumed (minimal lengths), and a refused frame names a valid close code.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocket(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let control = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let split = Int(control & 0x3F) + 1
    let masked = control & 0x40 != 0
    let limit = control & 0x80 != 0 ? 64 : 16 << 20

    // 1. Frames and messages, fed in pieces of `split` bytes.
    var parser = WebSocketFrameParser(maxFrameSize: limit, expectMasked: masked)
    var assembler = WebSocketMessageAssembler(maxMessageSize: limit)
    var offset = 0
    feeding: while offset < bytes.count {
        let end = min(bytes.count, offset + split)
        parser.append(Array(bytes[offset..<end]))
        offset = end
        while true {
            let frame: WebSocketFrame?
            do {
                frame = try parser.next()
            } catch {
                precondition([1002, 1007, 1009].contains(error.closeCode), "bad close code \(error.closeCode)")
                break feeding
            }
            guard let frame else { break }
            precondition(frame.payload.count <= limit)
            if !masked {
                // An unmasked frame re-encodes to the same header and payload.
                let again = WebSocketCodec.encode(frame, maskKey: nil)
                var reparser = WebSocketFrameParser(maxFrameSize: limit, expectMasked: false)
                reparser.append(again)
                let back = try? reparser.next()
                precondition(back == frame, "re-encoded frame differs")
            }
            do {
                if let message = try assembler.push(frame) {
                    if case .close(let code, let reason) = message {
                        precondition(code == 1005 || WebSocketCloseCode.isSendable(code))
                        _ = WebSocketCodec.closePayload(code: code, reason: reason)
                    }
                }
            } catch {
                precondition([1002, 1007, 1009].contains(error.closeCode), "bad close code \(error.closeCode)")
                break feeding
            }
        }
    }

    // 2. The same bytes as a handshake answer.
    if let response = try? WebSocketHandshake.parseResponse(bytes, maxHeadBytes: 4096) {
        precondition(response.headLength <= bytes.count)
        _ = WebSocketHandshake.problem(with: response, key: "dGhlIHNhbXBsZSBub25jZQ==")
        _ = response.header("Sec-WebSocket-Accept")
    }

    // 3. Close payloads: what parses, re-encodes to the same code.
    if let (code, reason) = try? WebSocketCodec.parseClosePayload(bytes) {
        if code != 1005 {
            let again = WebSocketCodec.closePayload(code: code, reason: reason)
            precondition(again.count <= 125 && Array(again.prefix(2)) == Array(bytes.prefix(2)))
        }
    }
    return 0
}
