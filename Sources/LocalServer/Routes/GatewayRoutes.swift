// LLM Gateway (llm-gateway.yml, served under /v1 on this same server): chat completions and
// speech understanding, with deterministic answers (docs/local-server.md states the rules).
// Errors on /v1 use the gateway's shape: {"error": {"code": <status>, "message": "..."}}.

import Foundation
import Hummingbird

struct GatewayRoutes: RouteGroup {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.post("/v1/chat/completions") { _, context in
            let started = DispatchTime.now().uptimeNanoseconds
            guard let body = try context.jsonBody().objectValue else { throw APIError.badRequest("Request body must be an Object") }
            var response = try Gateway.chat(body)
            if body["stream"]?.boolValue == true { return Gateway.eventStream(response, model: body["model"]) }
            response["response_time"] = .int(Int(DispatchTime.now().uptimeNanoseconds - started))
            return jsonResponse(.object(response))
        }

        router.get("/v1/models") { _, _ in jsonResponse(text: Gateway.modelCatalog) }

        router.post("/v1/understanding") { _, context in
            guard let body = try context.jsonBody().objectValue else { throw APIError.badRequest("Request body must be an Object") }
            let id = body["transcript_id"]?.stringValue ?? ""
            guard let job = state.transcripts.get(id) else { throw APIError.transcriptNotFound }
            guard !job.deleted else { throw APIError.badRequest("Transcript has been deleted") }
            guard case .recognized(let content)? = job.finished(at: Date()) else {
                throw APIError.badRequest("Transcript is not completed (status: \(job.status(at: Date())))")
            }
            return jsonResponse(Gateway.understanding(body, content))
        }
    }
}

enum Gateway {
    /// GET /v1/models: a fixed catalog in the gateway's shape (the fields the official SDK 1.8.2
    /// requires, pricing per million tokens). The last model has the null lists the gateway (Go)
    /// sends for empty ones, which clients must read as empty.
    static let modelCatalog = #"""
    {"data": [
     {"id": "claude-sonnet-4-5-20250929", "name": "Claude Sonnet 4.5", "description": "Anthropic's balanced model.",
      "default_parameters": {"temperature": 1.0, "top_p": null, "frequency_penalty": null},
      "supported_parameters": ["max_tokens", "temperature", "tools", "response_format"],
      "top_provider": {"is_moderated": false, "context_length": 200000, "max_completion_tokens": 64000},
      "context_length": 200000,
      "pricing": {"us": {"completions": 15.0, "prompt": 3.0}, "eu": {"completions": 16.5, "prompt": 3.3},
                  "global": {"completions": 15.0, "prompt": 3.0}, "regional_increase_percent": 10},
      "creator": "anthropic", "retirement_date": 0, "available_regions": ["us", "eu"],
      "providers": [{"id": "anthropic", "name": "Anthropic"}, {"id": "bedrock", "name": "Amazon Bedrock"}],
      "default_provider": {"id": "anthropic", "name": "Anthropic"}},
     {"id": "gpt-5-mini", "name": "GPT-5 mini", "description": "OpenAI's small GPT-5.",
      "default_parameters": {"temperature": null, "top_p": null, "frequency_penalty": null},
      "supported_parameters": ["max_tokens", "tools", "response_format", "stream"],
      "top_provider": {"is_moderated": true, "context_length": 400000, "max_completion_tokens": 128000},
      "context_length": 400000,
      "pricing": {"us": {"completions": 2.0, "prompt": 0.25}, "global": {"completions": 2.0, "prompt": 0.25}},
      "creator": "openai", "retirement_date": 0, "available_regions": ["us"],
      "providers": [{"id": "openai", "name": "OpenAI"}], "default_provider": {"id": "openai", "name": "OpenAI"}},
     {"id": "gemini-2.5-flash-lite", "name": "Gemini 2.5 Flash-Lite", "description": "Google's fastest Gemini.",
      "default_parameters": {"temperature": 1.0},
      "supported_parameters": null,
      "top_provider": {"is_moderated": false, "context_length": 1048576, "max_completion_tokens": 65536},
      "context_length": 1048576,
      "pricing": {"global": {"completions": 0.4, "prompt": 0.1}},
      "creator": "google", "retirement_date": 1798761600, "available_regions": null,
      "providers": null, "default_provider": {"id": "google", "name": "Google"}}
    ]}
    """#

    static func words(_ s: String) -> [String] { s.split(whereSeparator: \.isWhitespace).map(String.init) }

    /// A message's text: a string, or its text parts joined by "\n".
    static func text(of content: JSON?) -> String {
        if let s = content?.stringValue { return s }
        return (content?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    static func chat(_ body: [String: JSON]) throws -> [String: JSON] {
        var messages = body["messages"]?.arrayValue ?? []
        if let prompt = body["prompt"]?.stringValue {
            messages.append(.object(["role": .string("user"), "content": .string(prompt)]))
        }
        guard !messages.isEmpty else { throw APIError.badRequest("Either messages or prompt must be provided") }

        let inputTokens = messages.reduce(0) { $0 + words(text(of: $1["content"])).count }
        let userWords = words(text(of: messages.last { $0["role"]?.stringValue == "user" }?["content"]))
        let n = userWords.count
        let lead = userWords.prefix(10).joined(separator: " ")
        let tools = body["tools"]?.arrayValue ?? []
        let last = messages.last!

        var choice: [String: JSON] = [:]
        var content: String
        var finish = "stop"
        if let tool = try toolToCall(body, tools: tools, last: last, userText: userWords.joined(separator: " ")) {
            let arguments = example(of: tool["function"]?["parameters"], words: userWords).serialized()
            content = ""
            finish = "tool_calls"
            choice["tool_calls"] = .array([.object([
                "id": .string("call_" + String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(24))),
                "type": .string("function"),
                "function": .object(["name": tool["function"]?["name"] ?? .string(""), "arguments": .string(arguments)]),
            ])])
            content = ""
            choice["message"] = .object(["role": .string("assistant"), "content": .string("")])
            let outputTokens = words(arguments).count
            return finishResponse(body, choice: choice, finish: finish, input: inputTokens, output: outputTokens)
        }
        if last["role"]?.stringValue == "tool" {
            content = "Tool result received: " + words(text(of: last["content"])).prefix(10).joined(separator: " ")
        } else if let schema = body["response_format"]?["json_schema"]?["schema"] {
            content = example(of: schema, words: userWords).serialized()
        } else {
            content = "Response to \(n) words" + (lead.isEmpty ? "" : ": " + lead)
        }
        if let max = body["max_tokens"]?.intValue, words(content).count > max, body["response_format"] == nil {
            content = words(content).prefix(max).joined(separator: " ")
            finish = "length"
        }
        choice["message"] = .object(["role": .string("assistant"), "content": .string(content)])
        return finishResponse(body, choice: choice, finish: finish, input: inputTokens, output: words(content).count)
    }

    /// The answer of a `"stream": true` request as Server-Sent Events, as OpenAI-routed models
    /// stream through the gateway: one `chat.completion.chunk` per event (the role first, then
    /// the text word by word, or a tool call whose arguments come in pieces of 8 characters),
    /// a chunk with the finish reason and an empty delta, a usage chunk without choices, then
    /// `data: [DONE]`. Each event is written (and flushed) on its own.
    static func eventStream(_ response: [String: JSON], model: JSON?) -> Response {
        let id = "chatcmpl-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let created = Int(Date().timeIntervalSince1970)
        func chunk(_ delta: [String: JSON], finish: String? = nil) -> String {
            let choice: JSON = .object(["index": .int(0), "delta": .object(delta), "finish_reason": finish.map(JSON.string) ?? .null])
            let o: JSON = .object(["id": .string(id), "object": .string("chat.completion.chunk"), "created": .int(created),
                                   "model": model ?? .null, "choices": .array([choice])])
            return "data: \(o.serialized())\n\n"
        }
        let choice = response["choices"]?.arrayValue?.first
        let finish = choice?["finish_reason"]?.stringValue ?? "stop"
        var events = [chunk(["role": .string("assistant"), "content": .string("")])]
        if let calls = choice?["tool_calls"]?.arrayValue, !calls.isEmpty {
            for (i, call) in calls.enumerated() {
                events.append(chunk(["tool_calls": .array([.object([
                    "index": .int(i), "id": call["id"] ?? .null, "type": .string("function"),
                    "function": .object(["name": call["function"]?["name"] ?? .null, "arguments": .string("")]),
                ])])]))
                var rest = Substring(call["function"]?["arguments"]?.stringValue ?? "")
                while !rest.isEmpty {
                    let piece = rest.prefix(8)
                    rest = rest.dropFirst(piece.count)
                    events.append(chunk(["tool_calls": .array([.object(["index": .int(i), "function": .object(["arguments": .string(String(piece))])])])]))
                }
            }
        } else {
            let text = choice?["message"]?["content"]?.stringValue ?? ""
            // Word by word, the spaces kept, so the pieces joined are the text exactly.
            var piece = ""
            for ch in text {
                if ch == " ", !piece.isEmpty, piece.last != " " {
                    events.append(chunk(["content": .string(piece)]))
                    piece = ""
                }
                piece.append(ch)
            }
            if !piece.isEmpty { events.append(chunk(["content": .string(piece)])) }
        }
        events.append(chunk([:], finish: finish))
        let usage = response["usage"]
        let input = usage?["input_tokens"]?.intValue ?? 0, output = usage?["output_tokens"]?.intValue ?? 0
        let usageChunk: JSON = .object(["id": .string(id), "object": .string("chat.completion.chunk"), "created": .int(created),
                                        "model": model ?? .null, "choices": .array([]),
                                        "usage": .object(["prompt_tokens": .int(input), "completion_tokens": .int(output),
                                                          "total_tokens": .int(input + output)])])
        events.append("data: \(usageChunk.serialized())\n\n")
        events.append("data: [DONE]\n\n")
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let all = events
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            for event in all { try await writer.write(ByteBuffer(string: event)) }
            try await writer.finish(nil)
        })
    }

    private static func finishResponse(_ body: [String: JSON], choice: [String: JSON], finish: String, input: Int, output: Int) -> [String: JSON] {
        var choice = choice
        choice["finish_reason"] = .string(finish)
        if choice["index"] == nil { choice["index"] = .int(0) }   // required by the official SDK 1.8.2's models
        var request: [String: JSON] = ["model": body["model"] ?? .null, "max_tokens": body["max_tokens"] ?? .int(1000)]
        for key in ["temperature", "tools", "tool_choice"] { if let v = body[key] { request[key] = v } }
        return [
            "request_id": .string(UUID().uuidString.lowercased()),
            "choices": .array([.object(choice)]),
            "request": .object(request),
            // Both namings, as the gateway sends them (1.8.2 requires prompt_tokens and completion_tokens).
            "usage": .object(["input_tokens": .int(input), "output_tokens": .int(output), "total_tokens": .int(input + output),
                              "prompt_tokens": .int(input), "completion_tokens": .int(output)]),
            "http_status_code": .int(200),
            "llm_status_code": .int(200),
        ]
    }

    /// The tool to call: none when there are no tools, tool_choice is "none" or the last
    /// message is a tool result; the named one for {"type": "function", ...}; else the first
    /// tool whose name appears in the last user message (case-insensitive).
    static func toolToCall(_ body: [String: JSON], tools: [JSON], last: JSON, userText: String) throws -> JSON? {
        guard !tools.isEmpty, last["role"]?.stringValue != "tool" else { return nil }
        let choice = body["tool_choice"]
        if choice?.stringValue == "none" { return nil }
        if let name = choice?["function"]?["name"]?.stringValue {
            guard let tool = tools.first(where: { $0["function"]?["name"]?.stringValue == name }) else {
                throw APIError.badRequest("tool_choice names an unknown tool: \(name)")
            }
            return tool
        }
        let lower = userText.lowercased()
        return tools.first { tool in
            guard let name = tool["function"]?["name"]?.stringValue, !name.isEmpty else { return false }
            return lower.contains(name.lowercased())
        }
    }

    /// A value for a JSON schema: object → each property (sorted by name) filled in; string →
    /// the first enum value, else the first 10 words of the last user message; integer and
    /// number → that message's word count; boolean → true; array → []; anything else → null.
    static func example(of schema: JSON?, words: [String]) -> JSON {
        guard let schema else { return .object([:]) }
        if let first = schema["enum"]?.arrayValue?.first { return first }
        let type = schema["type"]?.stringValue ?? (schema["properties"] != nil ? "object" : nil)
        switch type {
        case "object":
            var out: [String: JSON] = [:]
            for (name, sub) in schema["properties"]?.objectValue ?? [:] { out[name] = example(of: sub, words: words) }
            return .object(out)
        case "string": return .string(words.prefix(10).joined(separator: " "))
        case "integer", "number": return .int(words.count)
        case "boolean": return .bool(true)
        case "array": return .array([])
        default: return .null
        }
    }

    // MARK: Understanding

    static func understanding(_ body: [String: JSON], _ c: TranscriptContent) -> JSON {
        let request = body["speech_understanding"]?["request"] ?? .object([:])
        let utterances = Features.utterances(c.words)
        func utteranceJSON(_ u: ArraySlice<Word>, speaker: String, extra: [String: JSON] = [:]) -> JSON {
            .object([
                "confidence": .double(AudioText.mean(u.map(\.confidence)) ?? 0),
                "start": .int(u.first!.start), "end": .int(u.last!.end),
                "text": .string(u.map(\.text).joined(separator: " ")), "speaker": .string(speaker),
            ].merging(extra) { _, new in new })
        }
        if let translation = request["translation"] {
            let targets = translation["target_languages"]?.arrayValue?.compactMap(\.stringValue) ?? []
            func translate(_ s: String) -> JSON { .object(Dictionary(uniqueKeysWithValues: targets.map { ($0, JSON.string("[\($0)] \(s)")) })) }
            var out: [String: JSON] = [
                "speech_understanding": .object(["request": request, "response": .object(["translation": .object(["status": .string("completed")])])]),
                "translated_texts": translate(c.text),
                "words": .array([]),
            ]
            if translation["match_original_utterance"]?.boolValue == true, c.labelled {
                out["utterances"] = .array(utterances.map { u in
                    utteranceJSON(u, speaker: u.first!.speaker, extra: ["translated_texts": translate(u.map(\.text).joined(separator: " "))])
                })
            }
            return .object(out)
        }
        if let identification = request["speaker_identification"] {
            var names = identification["known_values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if names.isEmpty {
                names = (identification["speakers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue ?? $0["role"]?.stringValue }
            }
            var letters: [String] = []
            for w in c.words where !letters.contains(w.speaker) { letters.append(w.speaker) }
            var mapping: [String: JSON] = [:]
            for (i, letter) in letters.enumerated() where i < names.count { mapping[letter] = .string(names[i]) }
            return .object([
                "speech_understanding": .object(["request": request, "response": .object([
                    "speaker_identification": .object(["mapping": .object(mapping), "status": .string("completed")]),
                ])]),
                "utterances": .array(utterances.map { u in utteranceJSON(u, speaker: mapping[u.first!.speaker]?.stringValue ?? u.first!.speaker) }),
                "words": .array([]),
            ])
        }
        // custom_formatting: phone numbers ddd-ddd-dddd and dates YYYY-MM-DD are rewritten with
        // the requested patterns (x = next digit; mm, dd, yyyy); every other word is unchanged.
        let formatting = request["custom_formatting"] ?? .object([:])
        var mapping: [String: JSON] = [:]
        let formatted = c.words.map { w -> String in
            let p = WordParts(w.text)
            var core = p.core
            if TranscriptContent.isPhone(core), let pattern = formatting["phone_number"]?.stringValue {
                var digits = core.filter(\.isNumber).makeIterator()
                core = String(pattern.map { $0 == "x" ? (digits.next() ?? "x") : $0 })
            } else if let date = isoDate(core), let pattern = formatting["date"]?.stringValue {
                core = pattern.replacingOccurrences(of: "yyyy", with: date.0)
                    .replacingOccurrences(of: "mm", with: date.1).replacingOccurrences(of: "dd", with: date.2)
            }
            if core != p.core { mapping[p.core] = .string(core) }
            return p.prefix + core + p.suffix
        }
        var response: [String: JSON] = [
            "status": .string("completed"), "mapping": .object(mapping),
            "formatted_text": .string(formatted.joined(separator: " ")),
        ]
        if c.labelled {
            var at = 0
            response["formatted_utterances"] = .array(utterances.map { u in
                let text = formatted[at..<(at + u.count)].joined(separator: " ")
                at += u.count
                return utteranceJSON(u, speaker: u.first!.speaker, extra: ["text": .string(text)])
            })
        }
        return .object(["speech_understanding": .object(["request": request, "response": .object(["custom_formatting": .object(response)])])])
    }

    private static func isoDate(_ s: String) -> (String, String, String)? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, SchemaValidator.isDate(s) else { return nil }
        return (parts[0], parts[1], parts[2])
    }
}
