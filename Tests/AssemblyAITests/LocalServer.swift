import Foundation
import XCTest

/// Starts the local AssemblyAI-compatible server (AAI_SERVER_BIN, else the staged or debug
/// build) on a free port for one test class, and stops it afterwards.
final class LocalServerProcess {
    let process = Process()
    let baseURL: String
    static let apiKey = "swift-test-key"

    init() throws {
        let file: String = #filePath
        let root = String(file[..<(file.range(of: "/Tests/")?.lowerBound ?? file.endIndex)])
        let candidates = [ProcessInfo.processInfo.environment["AAI_SERVER_BIN"],
                          root + "/build/bin/assemblyai-server",
                          root + "/.build/debug/assemblyai-server"].compactMap { $0 }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("local server binary not built (tried \(candidates))")
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--api-key", LocalServerProcess.apiKey, "--queued-ms", "30", "--processing-ms", "60"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "http://") else { throw XCTSkip("server printed no URL: \(text)") }
        baseURL = String(text[range.lowerBound...].prefix { !$0.isWhitespace })
    }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }
}

/// Writes a PCM16 mono WAV whose LIST/INFO/ICMT comment carries `text` (how the local server
/// knows what the audio says).
func makeTestWAV(text: String, seconds: Double = 2, rate: Int = 16_000) -> [UInt8] {
    func le32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).littleEndian, Array.init) }
    func le16(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt16(v).littleEndian, Array.init) }
    let samples = Int(seconds * Double(rate))
    var comment = Array(text.utf8) + [0]
    if comment.count % 2 == 1 { comment.append(0) }
    let icmt = Array("ICMT".utf8) + le32(comment.count) + comment
    let list = Array("LIST".utf8) + le32(4 + icmt.count) + Array("INFO".utf8) + icmt
    let fmt = Array("fmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(rate) + le32(rate * 2) + le16(2) + le16(16)
    let data = Array("data".utf8) + le32(samples * 2) + [UInt8](repeating: 0, count: samples * 2)
    let body = Array("WAVE".utf8) + fmt + list + data
    return Array("RIFF".utf8) + le32(body.count) + body
}
