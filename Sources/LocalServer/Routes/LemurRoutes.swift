// LeMUR (/lemur/v3, January 2025 spec): task, summary, question-answer, action items, get a
// response again, purge it. Answers are derived from the input's words by the rules in
// docs/local-server.md, so tests can assert them.

import Foundation
import Hummingbird

struct LemurRoutes: RouteGroup {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        for kind in ["task", "summary", "question-answer", "action-items"] {
            router.post("/lemur/v3/generate/\(kind)") { _, context in
                guard let body = try context.jsonBody().objectValue else { throw APIError.badRequest("Request body must be an Object") }
                let words = try Lemur.inputWords(body, state: state)
                let answer = try Lemur.answer(kind: kind, body: body, words: words)
                let id = UUID().uuidString.lowercased()
                let response: JSON = .object([
                    "request_id": .string(id),
                    "usage": .object(["input_tokens": .int(answer.inputTokens), "output_tokens": .int(answer.outputTokens)]),
                    "response": answer.response,
                ])
                state.lemur.withLock { $0[id] = response }
                return jsonResponse(response)
            }
        }

        router.get("/lemur/v3/:id") { _, context in
            let id = (context.parameters.get("id") ?? "").lowercased()
            guard let response = state.lemur.withLock({ $0[id] }) else { throw Lemur.notFound }
            return jsonResponse(response)
        }

        router.delete("/lemur/v3/:id") { _, context in
            let id = (context.parameters.get("id") ?? "").lowercased()
            guard state.lemur.withLock({ $0.removeValue(forKey: id) }) != nil else { throw Lemur.notFound }
            return jsonResponse(.object([
                "request_id": .string(UUID().uuidString.lowercased()),
                "request_id_to_purge": .string(id),
                "deleted": .bool(true),
            ]))
        }
    }
}

enum Lemur {
    static let notFound = APIError(status: .notFound, message: "LeMUR request not found")

    /// Words of the input: the completed transcripts' texts in the order given, or input_text;
    /// split on whitespace.
    static func inputWords(_ body: [String: JSON], state: ServerState) throws -> [String] {
        let ids = body["transcript_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let input = body["input_text"]?.stringValue ?? ""
        if !ids.isEmpty, !input.isEmpty { throw APIError.badRequest("Only one of transcript_ids or input_text may be given") }
        if ids.isEmpty, input.isEmpty { throw APIError.badRequest("Either transcript_ids or input_text must be provided") }
        if ids.isEmpty { return words(input) }

        let now = Date()
        let jobs = ids.map { state.transcripts.get($0) }
        let missing = zip(ids, jobs).filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else { throw APIError.badRequest("Transcript(s) not found: \(missing.joined(separator: ", "))") }
        var out: [String] = []
        for case let job? in jobs {
            guard !job.deleted else { throw APIError.badRequest("Transcript \(job.id) has been deleted") }
            guard case .recognized(let content)? = job.finished(at: now) else {
                throw APIError.badRequest("Transcript \(job.id) is not completed (status: \(job.status(at: now)))")
            }
            out += content.words.flatMap { words($0.text) }
        }
        return out
    }

    static func words(_ s: String) -> [String] { s.split(whereSeparator: \.isWhitespace).map(String.init) }

    static func first(_ n: Int, _ words: [String]) -> String { words.prefix(n).joined(separator: " ") }

    /// "…: first words", or "…:" when there are none.
    static func lead(_ head: String, _ words: [String]) -> String {
        words.isEmpty ? head + ":" : head + ": " + first(10, words)
    }

    static func format(_ body: [String: JSON]) -> String {
        body["answer_format"]?.stringValue.map { " (\($0))" } ?? ""
    }

    struct Answer {
        var response: JSON
        var inputTokens: Int
        var outputTokens: Int
    }

    /// max_output_size: a response longer than that many words is cut to its first words,
    /// joined by single spaces.
    static func limit(_ text: String, _ body: [String: JSON]) -> String {
        guard let max = body["max_output_size"]?.intValue else { return text }
        let w = words(text)
        return w.count > max ? first(max, w) : text
    }

    static func answer(kind: String, body: [String: JSON], words input: [String]) throws -> Answer {
        let n = input.count
        switch kind {
        case "task":
            let prompt = body["prompt"]?.stringValue ?? ""
            guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw APIError.badRequest("prompt must not be empty")
            }
            let text = limit(lead("Response to '\(prompt)' based on \(n) words", input), body)
            return Answer(response: .string(text), inputTokens: n + words(prompt).count, outputTokens: words(text).count)
        case "summary":
            let text = limit(lead("Summary\(format(body)) of \(n) words", input), body)
            return Answer(response: .string(text), inputTokens: n, outputTokens: words(text).count)
        case "action-items":
            var lines = ["Action items\(format(body)) from \(n) words:"]
            var start = 0
            for i in input.indices where lines.count < 4 {
                if TranscriptContent.endsSentence(input[i]) || i == input.count - 1 {
                    lines.append("- " + first(6, Array(input[start...i])))
                    start = i + 1
                }
            }
            let text = limit(lines.joined(separator: "\n"), body)
            return Answer(response: .string(text), inputTokens: n, outputTokens: words(text).count)
        default:  // question-answer
            let questions = body["questions"]?.arrayValue ?? []
            guard !questions.isEmpty else { throw APIError.badRequest("questions must not be empty") }
            let keys = input.map(\.wordKey)
            /// An option matches when its keys appear as consecutive words of the input.
            func mentioned(_ option: String) -> Bool {
                let tokens = words(option).map(\.wordKey).filter { !$0.isEmpty }
                guard !tokens.isEmpty, tokens.count <= keys.count else { return false }
                return (0...(keys.count - tokens.count)).contains { Array(keys[$0..<$0 + tokens.count]) == tokens }
            }
            var answers: [JSON] = []
            var inTokens = n, outTokens = 0
            for q in questions {
                let question = q["question"]?.stringValue ?? ""
                inTokens += words(question).count
                let answer: String
                if let options = q["answer_options"]?.arrayValue?.compactMap(\.stringValue), !options.isEmpty {
                    answer = options.first(where: mentioned) ?? options[0]
                } else {
                    answer = limit(lead("Answer to '\(question)'\(format(q.objectValue ?? [:])) based on \(n) words", input), body)
                }
                outTokens += words(answer).count
                answers.append(.object(["question": .string(question), "answer": .string(answer)]))
            }
            return Answer(response: .array(answers), inputTokens: inTokens, outputTokens: outTokens)
        }
    }
}
