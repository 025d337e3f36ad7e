// The pure part of LLM Gateway streaming: chunk JSON into deltas, the SSE reader with its
// `data: [DONE]`, the assembler. No I/O, and no dependency beyond SSEParser, the JSON types and
// AssemblyAIError, so fuzz/llm_sse.swift compiles it on its own (scripts/fuzz).

/// One piece of a streamed chat completion: what one choice of one `chat.completion.chunk` adds
/// (OpenAI's streaming shape, which the gateway forwards). A chunk with several choices gives one
/// delta per choice; a chunk with no choice (the usage chunk at the end) gives one delta with
/// ``choiceIndex`` -1. Usage, when the chunk carries it, is on the chunk's last delta.
public struct LLMStreamDelta: Sendable, Equatable {
    /// The chunk's `id` and `model` (nil when absent).
    public var id: String?
    public var model: String?
    /// `choices[i].index`, or -1 for a chunk without choices.
    public var choiceIndex: Int
    /// `delta.role` (usually only on the first chunk).
    public var role: String?
    /// `delta.content`: the next piece of text (nil when this chunk adds none).
    public var content: String?
    /// `finish_reason` ("stop", "length", "tool_calls", ...) on the choice's last chunk.
    public var finishReason: String?
    /// Fragments of tool calls (`delta.tool_calls`): join the `arguments` pieces of one `index`.
    public var toolCalls: [LLMToolCallDelta]
    /// `usage.prompt_tokens` (or `input_tokens`), `completion_tokens` (or `output_tokens`),
    /// `total_tokens` when this chunk carries usage.
    public var promptTokens: Int64?
    public var completionTokens: Int64?
    public var totalTokens: Int64?
    /// The whole chunk as the server sent it (the SSE event's data).
    public var chunkJSON: String
    /// Which chunk of the stream this delta comes from (0, 1, ...), and whether it is the
    /// chunk's last delta (the deltas of one chunk come one after another).
    public var chunkIndex = 0
    public var lastInChunk = true
    /// When the chunk's last byte was read from the socket (ns, CLOCK_MONOTONIC); 0 when unknown.
    public var receivedNs: Int64 = 0

    public init(id: String? = nil, model: String? = nil, choiceIndex: Int, role: String? = nil, content: String? = nil,
                finishReason: String? = nil, toolCalls: [LLMToolCallDelta] = [], promptTokens: Int64? = nil,
                completionTokens: Int64? = nil, totalTokens: Int64? = nil, chunkJSON: String) {
        self.id = id
        self.model = model
        self.choiceIndex = choiceIndex
        self.role = role
        self.content = content
        self.finishReason = finishReason
        self.toolCalls = toolCalls
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.chunkJSON = chunkJSON
    }

    /// The deltas of one chunk's JSON text. Malformed JSON, or JSON that is not an object, is a
    /// protocol error; an `{"error": ...}` chunk (a provider failing mid-stream) a server error.
    public static func decode(chunk data: String, what: String = "a streamed chunk") throws(AssemblyAIError) -> [LLMStreamDelta] {
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch {
            throw AssemblyAIError(.proto, "malformed JSON in \(what): \(error)")
        }
        guard case .object(let o) = value else { throw AssemblyAIError(.proto, "\(what) is not a JSON object") }
        if let error = o["error"], !error.isNull {
            let text = error.stringValue ?? error["message"]?.stringValue ?? error.serialized()
            throw AssemblyAIError(.server, "the stream reported an error: \(text)", httpStatus: 200, serverText: text)
        }
        let usage = o["usage"]
        let prompt = usage?["prompt_tokens"]?.int64Value ?? usage?["input_tokens"]?.int64Value
        let completion = usage?["completion_tokens"]?.int64Value ?? usage?["output_tokens"]?.int64Value
        let total = usage?["total_tokens"]?.int64Value
        let id = o["id"]?.stringValue, model = o["model"]?.stringValue
        var out: [LLMStreamDelta] = []
        for (position, choice) in (o["choices"]?.arrayValue ?? []).enumerated() {
            guard case .object(let c) = choice else { throw AssemblyAIError(.proto, "a streamed choice is not a JSON object") }
            let delta = c["delta"] ?? c["message"]
            var calls: [LLMToolCallDelta] = []
            for (i, call) in (delta?["tool_calls"]?.arrayValue ?? []).enumerated() {
                let function = call["function"]
                let arguments = function?["arguments"]
                calls.append(LLMToolCallDelta(
                    index: Int(call["index"]?.int64Value ?? Int64(i)), id: call["id"]?.stringValue,
                    type: call["type"]?.stringValue, name: function?["name"]?.stringValue,
                    arguments: arguments.flatMap { $0.isNull ? nil : ($0.stringValue ?? $0.serialized()) }))
            }
            out.append(LLMStreamDelta(id: id, model: model, choiceIndex: Int(c["index"]?.int64Value ?? Int64(position)),
                                      role: delta?["role"]?.stringValue, content: delta?["content"]?.stringValue,
                                      finishReason: c["finish_reason"]?.stringValue, toolCalls: calls, chunkJSON: data))
        }
        if out.isEmpty { out.append(LLMStreamDelta(id: id, model: model, choiceIndex: -1, chunkJSON: data)) }
        for i in out.indices { out[i].lastInChunk = i == out.count - 1 }
        if prompt != nil || completion != nil || total != nil {
            out[out.count - 1].promptTokens = prompt
            out[out.count - 1].completionTokens = completion
            out[out.count - 1].totalTokens = total
        }
        return out
    }
}

/// A fragment of a tool call in a stream (`delta.tool_calls[i]`): the provider sends `id`, `type`
/// and `name` once, then the JSON `arguments` in pieces, all under the same `index`.
public struct LLMToolCallDelta: Sendable, Equatable {
    public var index: Int
    public var id: String?
    public var type: String?
    public var name: String?
    public var arguments: String?

    public init(index: Int, id: String? = nil, type: String? = nil, name: String? = nil, arguments: String? = nil) {
        self.index = index
        self.id = id
        self.type = type
        self.name = name
        self.arguments = arguments
    }
}

/// Joins a stream's deltas into the response the same request would have had without
/// streaming: the first choice's text, its finish reason, its tool calls (fragments joined by
/// index) and the usage, as a `chat.completion` object that ``LLMResponse`` reads.
public struct LLMStreamAssembler: Sendable {
    private var id: String?
    private var model: String?
    private var role = "assistant"
    private var text = ""
    private var sawText = false
    private var finishReason: String?
    private var calls: [(index: Int, id: String?, type: String?, name: String?, arguments: String)] = []
    private var usage: (Int64?, Int64?, Int64?) = (nil, nil, nil)
    /// How many deltas were added.
    public private(set) var count = 0

    public init() {}

    public mutating func add(_ d: LLMStreamDelta) {
        count += 1
        if id == nil { id = d.id }
        if model == nil { model = d.model }
        if d.promptTokens != nil || d.completionTokens != nil || d.totalTokens != nil {
            usage = (d.promptTokens, d.completionTokens, d.totalTokens)
        }
        guard d.choiceIndex == 0 else { return }
        if let r = d.role { role = r }
        if let c = d.content { text += c; sawText = true }
        if let f = d.finishReason { finishReason = f }
        for call in d.toolCalls {
            if let i = calls.firstIndex(where: { $0.index == call.index }) {
                if calls[i].id == nil { calls[i].id = call.id }
                if calls[i].type == nil { calls[i].type = call.type }
                if calls[i].name == nil { calls[i].name = call.name }
                calls[i].arguments += call.arguments ?? ""
            } else {
                calls.append((call.index, call.id, call.type, call.name, call.arguments ?? ""))
            }
        }
    }

    /// The assembled `chat.completion` object.
    public var json: JSONValue {
        var message: JSONObject = ["role": .string(role), "content": sawText || calls.isEmpty ? .string(text) : .null]
        if !calls.isEmpty {
            message["tool_calls"] = .array(calls.map { c in
                var o: JSONObject = ["type": .string(c.type ?? "function"),
                                     "function": .object(["name": c.name.map(JSONValue.string) ?? .null, "arguments": .string(c.arguments)])]
                if let id = c.id { o["id"] = .string(id) }
                return .object(o)
            })
        }
        var o: JSONObject = ["object": "chat.completion",
                             "choices": .array([.object(["index": 0, "message": .object(message),
                                                         "finish_reason": finishReason.map(JSONValue.string) ?? .null])])]
        if let id { o["id"] = .string(id); o["request_id"] = .string(id) }
        if let model { o["model"] = .string(model) }
        if usage.0 != nil || usage.1 != nil || usage.2 != nil {
            var u = JSONObject()
            if let p = usage.0 { u["prompt_tokens"] = .int(p); u["input_tokens"] = .int(p) }
            if let c = usage.1 { u["completion_tokens"] = .int(c); u["output_tokens"] = .int(c) }
            if let t = usage.2 { u["total_tokens"] = .int(t) }
            o["usage"] = .object(u)
        }
        return .object(o)
    }
}

/// Reads a chat completion's event stream: SSE bytes in any pieces, deltas out, `data: [DONE]`
/// as the end. Kept apart from the transfer so the fuzz target and the unit tests drive it alone.
public struct LLMStreamReader: Sendable {
    private var parser: SSEParser
    /// Whether `data: [DONE]` arrived (anything after it is ignored).
    public private(set) var done = false
    /// How many events were read (comments and blank lines are not events).
    public private(set) var events = 0
    /// How many chunks were decoded.
    public private(set) var chunks = 0

    public init(maxEventBytes: Int = 16 << 20) { parser = SSEParser(maxEventBytes: maxEventBytes) }

    /// Reads bytes: the deltas they completed, in order, and the failure that stopped the
    /// reading, if any (a malformed event: ``ErrorCode/proto``; an `error` event or chunk:
    /// ``ErrorCode/server``). The deltas of the events before a failure are returned with it,
    /// even those in the same piece of bytes, so nothing that arrived intact is lost. The bytes
    /// go to the SSE parser a line at a time for that reason.
    public mutating func read(_ bytes: UnsafeRawBufferPointer) -> (deltas: [LLMStreamDelta], failure: AssemblyAIError?) {
        var out: [LLMStreamDelta] = []
        var start = 0
        let n = bytes.count
        while start < n, !done {
            var end = start
            while end < n, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            end = min(n, end + 1)
            let parsed: [SSEEvent]
            do throws(SSEError) { parsed = try parser.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) } catch {
                return (out, AssemblyAIError(.proto, "malformed event stream: \(error.message)"))
            }
            start = end
            for event in parsed {
                guard !done else { break }
                events += 1
                if event.data.trimmingWhitespace() == "[DONE]" { done = true; break }
                switch event.event {
                case "message":
                    do throws(AssemblyAIError) {
                        var deltas = try LLMStreamDelta.decode(chunk: event.data, what: "event \(events) of the stream")
                        for i in deltas.indices { deltas[i].chunkIndex = chunks }
                        chunks += 1
                        out += deltas
                    } catch {
                        return (out, error)
                    }
                case "error":
                    let value = try? JSONValue.parse(event.data)
                    let text = value?["error"]?["message"]?.stringValue ?? value?["message"]?.stringValue
                        ?? value?["error"]?.stringValue ?? event.data
                    return (out, AssemblyAIError(.server, "the stream reported an error: \(text)", httpStatus: 200, serverText: text))
                default:
                    continue  // events of other names carry nothing this reader knows
                }
            }
        }
        return (out, nil)
    }

    /// ``read(_:)`` that throws the failure (the deltas read before it are dropped).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(AssemblyAIError) -> [LLMStreamDelta] {
        let (deltas, failure) = read(bytes)
        if let failure { throw failure }
        return deltas
    }

    public mutating func read(_ bytes: [UInt8]) -> (deltas: [LLMStreamDelta], failure: AssemblyAIError?) {
        bytes.withUnsafeBytes { read($0) }
    }

    public mutating func feed(_ bytes: [UInt8]) throws(AssemblyAIError) -> [LLMStreamDelta] {
        var out: [LLMStreamDelta] = []
        var failure: AssemblyAIError?
        bytes.withUnsafeBytes { raw in
            do throws(AssemblyAIError) { out = try self.feed(raw) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }
}

