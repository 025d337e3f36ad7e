// Fuzz target: the LLM Gateway's streamed-completion reader (Sources/AssemblyAI/LeMUR/
// LLMStreamReader.swift: Server-Sent Events, `data: [DONE]`, each event's chat.completion.chunk
// JSON into deltas, the assembler), compiled with the files it needs:
//   swiftc -sanitize=fuzzer,address -parse-as-library fuzz/llm_sse.swift Sources/AssemblyAI/LeMUR/LLMStreamReader.swift \
//     Sources/AssemblyAI/TTS/SSEParser.swift Sources/AssemblyAI/JSON/*.swift Sources/AssemblyAI/Errors/*.swift \
//     Sources/AssemblyAI/Support/String+Trimming.swift Sources/AssemblyAI/Support/LargeMemory.swift
// (scripts/fuzz llm_sse does that; scripts/fuzz --replay llm_sse replays fuzz/corpus/llm_sse).
// Pure code (no I/O) and not part of the C ABI, hence a Swift harness.
//
// Input: byte 0 picks the split size (how the bytes arrive from the socket) and a small size
// limit (bit 7), the rest is the byte stream. Properties checked beyond "no crash": the deltas
// (those before a failure included), the failure (its code) and whether [DONE] arrived do not
// depend on how the stream is split;
// nothing is delivered after [DONE]; the assembled text is exactly the first choice's content
// deltas joined, and the assembled JSON parses back.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLLMStream(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let control = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let split = Int(control & 0x3F) + 1
    let limit = control & 0x80 != 0 ? 64 : 1 << 20

    func run(_ pieces: Int) -> (deltas: [LLMStreamDelta], failure: ErrorCode?, done: Bool) {
        var reader = LLMStreamReader(maxEventBytes: limit)
        var deltas: [LLMStreamDelta] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieces)
            let (got, failure) = reader.read(Array(bytes[offset..<end]))
            deltas += got
            if let failure { return (deltas, failure.code, reader.done) }
            offset = end
            if reader.done {
                // Anything after [DONE] is ignored.
                let more = (try? reader.feed(Array(bytes[offset...]))) ?? []
                precondition(more.isEmpty, "a delta after [DONE]")
                break
            }
        }
        return (deltas, nil, reader.done)
    }
    let whole = run(max(1, bytes.count))
    let pieces = run(split)
    precondition(whole.failure == pieces.failure, "a failure depends on the split")
    precondition(whole.done == pieces.done, "[DONE] depends on the split")
    precondition(whole.deltas == pieces.deltas, "deltas depend on the split")

    var assembler = LLMStreamAssembler()
    var text = ""
    for d in whole.deltas {
        assembler.add(d)
        if d.choiceIndex == 0, let c = d.content { text += c }
        precondition(d.chunkJSON.utf8.count <= 3 * limit)
    }
    precondition(assembler.count == whole.deltas.count)
    let json = assembler.json
    let reparsed = try? JSONValue.parse(json.serialized())
    precondition(reparsed != nil, "the assembled response does not parse")
    precondition(json["choices"]?[0]?["message"]?["content"]?.stringValue ?? "" == text || text.isEmpty,
                 "assembled text differs from the deltas joined")
    return 0
}

/// AssemblyAIError can carry a transcript; the reader never makes one, so the harness stands in
/// an empty type for the library's Transcript instead of compiling the whole core.
public final class Transcript: Sendable {}
