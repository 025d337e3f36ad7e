// Fuzz target: the streaming message parser (StreamingEvent.parse in StreamingEvent.swift: every
// server message of realtime v2 and Universal Streaming v3, including 1.8.2's Heartbeat, Silence,
// SpeakerRevision and LLMGatewayResponse), compiled together with this file, the JSON parser
// (Sources/AssemblyAI/JSON) and the error types (Sources/AssemblyAI/Errors):
//   swiftc -sanitize=fuzzer,address -parse-as-library fuzz/streaming_events.swift \
//     Sources/AssemblyAI/Streaming/StreamingEvent.swift Sources/AssemblyAI/JSON/*.swift Sources/AssemblyAI/Errors/*.swift \
//     Sources/AssemblyAI/Support/LargeMemory.swift
// Two declarations the parser needs live in files too heavy to compile here (the transcript
// model, the session options); the harness declares stand-ins below.
//
// Input: byte 0 picks the protocol (even: v3, odd: v2), the rest is the message.
// Properties checked beyond "no crash": the event keeps the message's bytes; a message that is
// not a JSON object is OTHER; the counts of words and revisions match the JSON arrays (objects
// only for revisions); a v3 LLMGatewayResponse's data re-parses as JSON.

/// Stand-in for the transcript model (AssemblyAIError's `transcript`).
public struct Transcript: Sendable {}

/// Stand-in for StreamingOptions.swift's protocol enum (same cases and raw values).
public enum StreamingProtocol: Int32, Sendable {
    case v2 = 2
    case v3 = 3
    public var name: String { self == .v2 ? "realtime v2" : "Universal Streaming v3" }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStreamingEvents(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let p: StreamingProtocol = data[0] & 1 == 0 ? .v3 : .v2
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let e = StreamingEvent.parse(bytes, protocol: p)
    precondition(e.json == bytes, "the event keeps the message")
    precondition(e.protocolVersion == p)
    guard let value = try? JSONValue.parse(bytes), case .object = value else {
        precondition(e.kind == .other, "a message that is not a JSON object is OTHER")
        return 0
    }
    switch e.kind {
    case .turn, .partialTranscript, .finalTranscript:
        precondition(e.words.count == (value["words"]?.arrayValue?.count ?? 0))
    case .speakerRevision:
        let objects = (value["revisions"]?.arrayValue ?? []).filter { if case .object = $0 { return true } else { return false } }
        precondition(e.revisions.count == objects.count)
        for (r, o) in zip(e.revisions, objects) { precondition(r.words.count == (o["words"]?.arrayValue?.count ?? 0)) }
    case .llmGatewayResponse:
        if let d = e.dataJSON { precondition((try? JSONValue.parse(Array(d.utf8))) != nil, "data re-serializes as JSON") }
    case .silence:
        break
    default:
        break
    }
    return 0
}
