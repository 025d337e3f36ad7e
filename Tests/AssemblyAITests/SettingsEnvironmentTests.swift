import XCTest
@testable import AssemblyAI

/// `Settings.fromEnvironment`: the ASSEMBLYAI_* variables, as the official Python SDK reads them.
final class SettingsEnvironmentTests: XCTestCase {
    func testEveryRowApplies() throws {
        let s = try Settings.fromEnvironment([
            "ASSEMBLYAI_API_KEY": "k",
            "ASSEMBLYAI_BASE_URL": "http://127.0.0.1:8080/",
            "ASSEMBLYAI_HTTP_TIMEOUT": "12.5",
            "ASSEMBLYAI_POLLING_INTERVAL": "0.25",
            "ASSEMBLYAI_LLM_GATEWAY_BASE_URL": "https://llm-gateway.eu.assemblyai.com",
            "ASSEMBLYAI_LLM_GATEWAY_HTTP_TIMEOUT": "45",
            "ASSEMBLYAI_STREAMING_BASE_URL": "https://streaming.eu.assemblyai.com",
            "ASSEMBLYAI_POLLING_TIMEOUT": "0",
            "ASSEMBLYAI_MAX_RETRIES": " 7 ",
        ])
        XCTAssertEqual(s.apiKey, "k")
        XCTAssertEqual(s.baseURL, "http://127.0.0.1:8080")
        XCTAssertEqual(s.httpTimeoutMs, 12_500)
        XCTAssertEqual(s.pollingIntervalMs, 250)
        XCTAssertEqual(s.llmGatewayBaseURL, "https://llm-gateway.eu.assemblyai.com")
        XCTAssertEqual(s.llmTimeoutMs, 45_000)
        XCTAssertEqual(s.streamingBaseURL, "wss://streaming.eu.assemblyai.com")
        XCTAssertEqual(s.pollingTimeoutMs, 0)
        XCTAssertEqual(s.maxRetries, 7)
        var v3 = StreamingOptions(protocol: .v3)
        try v3.setSampleRate(16_000)
        XCTAssertTrue(v3.sessionURL(settings: s).hasPrefix("wss://streaming.eu.assemblyai.com/v3/ws?"))
        XCTAssertTrue(StreamingOptions(protocol: .v2).sessionURL(settings: s).hasPrefix("ws://127.0.0.1:8080/v2/realtime/ws?"))
    }

    func testDefaultsAndAnyCase() throws {
        let d = try Settings.fromEnvironment([:])
        XCTAssertEqual(d.baseURL, "https://api.assemblyai.com")
        XCTAssertEqual(d.httpTimeoutMs, 30_000)
        XCTAssertNil(d.streamingBaseURL)
        let lower = try Settings.fromEnvironment(["assemblyai_base_url": "http://localhost:1", "ASSEMBLYAI_HTTP_TIMEOUT": ""])
        XCTAssertEqual(lower.baseURL, "http://localhost:1")
        XCTAssertEqual(lower.httpTimeoutMs, 30_000)   // empty: unset
        // The exact upper-case name wins over another spelling.
        let both = try Settings.fromEnvironment(["ASSEMBLYAI_BASE_URL": "http://localhost:2", "Assemblyai_Base_Url": "http://localhost:3"])
        XCTAssertEqual(both.baseURL, "http://localhost:2")
    }

    func testBadValuesThrowNamingTheVariable() {
        let cases: [(String, String)] = [
            ("ASSEMBLYAI_BASE_URL", "api.assemblyai.com"), ("ASSEMBLYAI_BASE_URL", "http://example.com"),
            ("ASSEMBLYAI_HTTP_TIMEOUT", "x"), ("ASSEMBLYAI_HTTP_TIMEOUT", "0"), ("ASSEMBLYAI_HTTP_TIMEOUT", "inf"),
            ("ASSEMBLYAI_POLLING_INTERVAL", "-1"), ("ASSEMBLYAI_POLLING_TIMEOUT", "-1"),
            ("ASSEMBLYAI_MAX_RETRIES", "101"), ("ASSEMBLYAI_STREAMING_BASE_URL", "wss://x/v3/ws"),
            ("assemblyai_llm_gateway_base_url", "ftp://x"),
        ]
        for (name, value) in cases {
            XCTAssertThrowsError(try Settings.fromEnvironment([name: value]), "\(name)=\(value)") { error in
                let e = error as? AssemblyAIError
                XCTAssertEqual(e?.code, .invalidArgument)
                XCTAssertTrue(e?.message.contains(name) ?? false, e?.message ?? "")
            }
        }
    }

    func testLLMGatewayHostFollowsTheEUBaseURL() throws {
        var s = Settings()
        XCTAssertEqual(s.resolvedLLMGatewayBaseURL, "https://llm-gateway.assemblyai.com")
        s.baseURL = "https://api.eu.assemblyai.com"
        XCTAssertEqual(s.resolvedLLMGatewayBaseURL, "https://llm-gateway.eu.assemblyai.com")
        s.llmGatewayBaseURL = "http://127.0.0.1:9"
        XCTAssertEqual(s.resolvedLLMGatewayBaseURL, "http://127.0.0.1:9")
        let env = try Settings.fromEnvironment(["ASSEMBLYAI_BASE_URL": "https://api.eu.assemblyai.com/"])
        XCTAssertEqual(env.resolvedLLMGatewayBaseURL, "https://llm-gateway.eu.assemblyai.com")
    }

    func testTheTableHasUniqueNames() {
        let names = Settings.environment.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertTrue(names.allSatisfy { $0 == $0.uppercased() && !$0.hasPrefix("ASSEMBLYAI_") })
    }
}
