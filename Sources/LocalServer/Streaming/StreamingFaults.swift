// WebSocket faults (the ws_* kinds of Faults.swift): what a streaming session does to its
// connection when its fault fires. docs/local-server.md ("Fault injection") describes each kind;
// StreamingServerSession decides when (after its `after_messages`-th message).

import Foundation
import HTTPTypes
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

enum StreamingFaults {
    /// Breaks the connection as `fault` says. Errors are ignored: the client may already be gone.
    static func perform(_ fault: Fault, outbound: WebSocketOutboundWriter, channel: any Channel) async {
        switch fault.kind {
        case .wsClose:
            try? await outbound.close(WebSocketErrorCode(codeNumber: fault.closeCode), reason: fault.reason.isEmpty ? nil : fault.reason)
        case .wsDrop:
            // Shut down our side only: a full close() with unread client audio in the socket
            // would send RST, and this kind is the clean FIN. The client's close ends the rest.
            try? await channel.close(mode: .output)
        case .wsReset:
            await reset(channel)
        case .wsMalformedFrame, .wsOversizedFrame, .wsInvalidUTF8:
            try? await outbound.write(.custom(frame(for: fault)))
        case .wsStopReading:
            // No more reads from the socket (the session also stops asking for frames): the
            // client's frames fill the TCP buffers and its sends back up. The connection is
            // reset after delay_ms (or when the server stops). NIO still drains the socket once
            // the client's FIN arrives: that goes to a discarder, unseen by the session.
            try? await channel.setOption(ChannelOptions.autoRead, value: false).get()
            try? await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(InboundDiscarder(), position: .first)
            }.get()
            let deadline = Date().addingTimeInterval(Double(fault.delayMs ?? 600_000) / 1000)
            Task {
                while Date() < deadline, channel.isActive, !ShutdownFlag.isSet {
                    try? await Task.sleep(nanoseconds: 20_000_000)
                }
                await reset(channel)
            }
        case .status, .reset, .truncate, .malformedJSON, .malformedEvent, .delay, .hang, .wsRefuse:
            break
        }
    }

    /// A `ws_refuse` fault: the upgrade request is answered with the fault's
    /// HTTP status, JSON error body and Retry-After (as FaultMiddleware answers other requests),
    /// then the connection closes. Written below the HTTP codec (the upgrade handler owns the
    /// pipeline's HTTP layer and would answer a declined upgrade with a bare 400).
    static func refuseUpgrade(_ fault: Fault, channel: any Channel) async {
        let body = JSON.object(["error": .string(fault.errorMessage)]).serialized()
        let phrases = [400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests",
                       500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"]
        let phrase = phrases[fault.status] ?? HTTPResponse.Status(code: fault.status).reasonPhrase
        var head = "HTTP/1.1 \(fault.status) \(phrase)\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        if let r = fault.effectiveRetryAfter { head += "Retry-After: \(r)\r\n" }
        let bytes = ByteBuffer(string: head + "\r\n" + body)
        try? await channel.eventLoop.submit {
            let writer = RawBytesWriter()
            try channel.pipeline.syncOperations.addHandler(writer, position: .first)
            let context = try channel.pipeline.syncOperations.context(handler: writer)
            context.writeAndFlush(NIOAny(bytes), promise: nil)
            // The upgrade handler then answers the declined upgrade with its own 400 and closes
            // the connection; the client has read its answer (this one) by then.
        }.get()
    }

    /// SO_LINGER 0: close() sends RST instead of FIN.
    static func reset(_ channel: any Channel) async {
        if let options = channel as? SocketOptionProvider {
            try? await options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }

    /// The frame a frame fault sends.
    static func frame(for fault: Fault) -> WebSocketFrame {
        let small = ByteBuffer(string: "{}")
        switch fault.kind {
        case .wsOversizedFrame:
            // A JSON text message of exactly frame_bytes bytes (when it can hold the braces).
            let n = fault.frameBytes
            var b = ByteBufferAllocator().buffer(capacity: n)
            if n >= 14 {
                b.writeString("{\"padding\":\"")
                b.writeRepeatingByte(UInt8(ascii: "x"), count: n - 14)
                b.writeString("\"}")
            } else {
                b.writeRepeatingByte(UInt8(ascii: "x"), count: n)
            }
            return WebSocketFrame(fin: true, opcode: .text, data: b)
        case .wsInvalidUTF8:
            var b = ByteBuffer(string: "{\"text\":\"")
            b.writeBytes([0xFF, 0xFE])  // never valid in UTF-8
            b.writeString("\"}")
            return WebSocketFrame(fin: true, opcode: .text, data: b)
        default:
            switch fault.frame {
            case "opcode":  // 0x3: reserved for future non-control frames
                return WebSocketFrame(fin: true, opcode: WebSocketOpcode(encodedWebSocketOpcode: 0x3)!, data: small)
            case "masked":  // servers must never mask (RFC 6455 5.1)
                let key: WebSocketMaskingKey = [1, 2, 3, 4]
                return WebSocketFrame(fin: true, opcode: .text, maskKey: key, data: small)
            case "control":  // a ping of 126 bytes; control frames hold at most 125
                return WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(repeating: UInt8(ascii: "a"), count: 126))
            default:  // "rsv": RSV1 set, no extension negotiated
                return WebSocketFrame(fin: true, rsv1: true, opcode: .text, data: small)
            }
        }
    }
}

/// Drops every byte read from the socket (ws_stop_reading).
final class InboundDiscarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// Records the client's close frame (code and reason) in the session record: the framework
/// answers close frames itself and does not hand them to the session. Sits between the frame
/// decoder and the framework's handler, so it sees every frame the client sends.
final class ClientCloseRecorder: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    let sessionID: String

    init(sessionID: String) { self.sessionID = sessionID }

    /// Puts a recorder for `sessionID` into the upgraded connection's pipeline.
    static func install(on channel: any Channel, sessionID: String) async {
        try? await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
            try pipeline.addHandler(ClientCloseRecorder(sessionID: sessionID), position: .after(decoder))
        }.get()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.opcode == .connectionClose {
            var payload = frame.unmaskedData
            // No payload: no status code (RFC 6455 7.1.5 calls that 1005).
            let code = payload.readInteger(as: UInt16.self).map(Int.init) ?? 1005
            let reason = payload.readString(length: payload.readableBytes) ?? ""
            StreamingState.shared.update(sessionID) {
                if $0.clientCloseCode == nil { $0.clientCloseCode = code; $0.clientCloseReason = reason }
            }
        }
        context.fireChannelRead(data)
    }
}

/// A handler at the head of a pipeline, through whose context raw bytes reach the socket (it
/// passes every other write on unchanged).
final class RawBytesWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
}
