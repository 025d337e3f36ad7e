import XCTest
@testable import AssemblyAI

/// Parse/walk throughput on a generated ~10 MB transcript. Skipped unless AAI_BENCH=1; run in release:
///   AAI_BENCH=1 swift test -c release --filter JSONPerformance
final class JSONPerformanceTests: XCTestCase {

    func testTranscriptThroughput() throws {
        guard ProcessInfo.processInfo.environment["AAI_BENCH"] == "1" else {
            throw XCTSkip("set AAI_BENCH=1 to run the JSON benchmark")
        }
        // 100k words at top level; utterances carry text only (the API can also repeat words there).
        let transcript = makeTranscriptJSON(wordCount: 100_000, wordsInUtterances: false)
        let bytes = transcript.bytes
        let megabytes = Double(bytes.count) / 1_000_000
        let clock = ContinuousClock()
        let kText: JSONKey = "text", kStart: JSONKey = "start", kEnd: JSONKey = "end", kConf: JSONKey = "confidence"

        func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<runs {
                let t = try clock.measure(body)
                times.append(Double(t.components.seconds) + Double(t.components.attoseconds) * 1e-18)
            }
            return times.sorted()[runs / 2]
        }

        var checksum = 0.0
        let parse = try median(9) { _ = try JSONDocument(bytes: bytes) }
        let document = try JSONDocument(bytes: bytes)
        guard let words = document.root[kWords] else { return XCTFail("no words") }
        let walk = median(9) {
            var packed: [UInt8] = []
            packed.reserveCapacity(1 << 20)
            var sum = 0.0
            for word in words.elements {
                _ = word[kText]?.appendUnescapedString(to: &packed)
                packed.append(0)
                sum += Double(word[kStart]?.int64 ?? 0) + Double(word[kEnd]?.int64 ?? 0) + (word[kConf]?.double ?? 0)
            }
            checksum = sum
        }
        let walkStrings = median(9) {
            var n = 0
            for word in words.elements {
                n += word["text"]?.string?.utf8.count ?? 0
                n += Int(word["start"]?.int64 ?? 0) & 1
                n += Int(word["end"]?.int64 ?? 0) & 1
                n += (word["confidence"]?.double ?? 0) > 0.5 ? 1 : 0
            }
            checksum += Double(n)
        }
        let toValue = median(3) { _ = document.root.toValue() }
        let value = document.root.toValue()
        let serialize = median(5) { _ = value.serializedBytes() }

        print(String(repeating: "=", count: 72))
        print("JSON benchmark: \(bytes.count) bytes, 100k words, tape \(document.tapeEntryCount) entries")
        print("  parse (JSONDocument.init)             \(ms(parse)) ms  \(rate(megabytes, parse)) MB/s")
        print("  walk words (JSONKey, packed text)     \(ms(walk)) ms")
        print("  walk words (String keys, String text) \(ms(walkStrings)) ms")
        print("  parse + walk                          \(ms(parse + walk)) ms  \(rate(megabytes, parse + walk)) MB/s")
        print("  toValue (whole document)              \(ms(toValue)) ms")
        print("  serializedBytes (whole document)      \(ms(serialize)) ms  \(rate(megabytes, serialize)) MB/s")
        print("  (checksum \(checksum))")
        print(String(repeating: "=", count: 72))
    }

    private let kWords: JSONKey = "words"
    private func ms(_ s: Double) -> String { String(Int((s * 1000 * 10).rounded())).inserting(".", fromEnd: 1) }
    private func rate(_ mb: Double, _ s: Double) -> Int { Int((mb / s).rounded()) }
}

private extension String {
    func inserting(_ c: Character, fromEnd n: Int) -> String {
        var s = self
        while s.count <= n { s = "0" + s }
        s.insert(c, at: s.index(s.endIndex, offsetBy: -n))
        return s
    }
}
