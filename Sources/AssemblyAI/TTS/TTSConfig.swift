/// Codec of the audio the Text-to-Speech API returns.
public enum TTSEncoding: String, Sendable, CaseIterable {
    /// The default: mono signed 16-bit little-endian PCM.
    case pcmS16le = "pcm_s16le"
    /// 8-bit G.711 mu-law, for telephony.
    case pcmMulaw = "pcm_mulaw"
    /// 8-bit G.711 A-law, for telephony.
    case pcmAlaw = "pcm_alaw"
    /// Constant bit rate MP3 (see ``TTSConfig/bitRate``).
    case mp3
}

/// Container of a PCM or G.711 response.
public enum TTSContainer: String, Sendable, CaseIterable {
    /// The default: the codec bytes with no header.
    case raw
    /// A WAV file. On a streamed response its size fields are unknown (all ones).
    case wav
}

/// Options for a Text-to-Speech request. Every field is optional: the API speaks English with
/// its default voice (`aai-jane`) at 24 kHz as raw 16-bit PCM when nothing is set.
///
/// The options are kept as the JSON members the API reads (`voice_id`, `model_id`, `language`,
/// `sample_rate`, `encoding`, `container`, `bit_rate`, `extend_biometric_consent`), so a field
/// the API adds later can be set with ``merge(json:)`` without a new release.
public struct TTSConfig: Sendable, Equatable {
    /// The options that are set, as the API names them.
    public private(set) var fields = JSONObject()

    public init() {}

    /// The built-in voices of the AssemblyAI voice library (the API has hundreds more).
    public static let builtInVoices = ["aai-jane", "aai-alba", "aai-anna", "aai-charles", "aai-eve", "aai-george",
                                       "aai-jean", "aai-mary", "aai-michael", "aai-paul", "aai-vera"]
    /// The model the API runs.
    public static let defaultModel = "assemblyai-tts-1"
    /// The languages, by the English names the API takes.
    public static let languages = ["english", "spanish", "german", "french", "italian", "portuguese"]
    /// The output sample rates in Hz (24000 is the default).
    public static let sampleRates = [8000, 16000, 22050, 24000, 44100, 48000]
    /// The MP3 bit rates in bits per second (64000 is the default).
    public static let bitRates = [32000, 48000, 64000, 96000, 128000]
    /// Characters of one HTTP request's text.
    public static let maxTextCharacters = 5000

    private mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { _ = fields.updateValue(value, forKey: key) } else { _ = fields.removeValue(forKey: key) }
    }

    /// The voice: a library voice by its slug (`aai-jane`, ...), a voice's UUID, or the slug of
    /// one of the account's cloned voices.
    public var voiceID: String? {
        get { fields["voice_id"]?.stringValue }
        set { set("voice_id", newValue.map(JSONValue.string)) }
    }
    /// The model, such as `assemblyai-tts-1`.
    public var modelID: String? {
        get { fields["model_id"]?.stringValue }
        set { set("model_id", newValue.map(JSONValue.string)) }
    }
    /// The language by its English name (`english`, `spanish`, ...).
    public var language: String? {
        get { fields["language"]?.stringValue }
        set { set("language", newValue.map(JSONValue.string)) }
    }
    /// Output sample rate in Hz.
    public var sampleRate: Int? {
        get { fields["sample_rate"]?.int64Value.map { Int($0) } }
        set { set("sample_rate", newValue.map { .int(Int64($0)) }) }
    }
    /// Output codec, by its API name (`pcm_s16le`, `pcm_mulaw`, `pcm_alaw`, `mp3`; the API also
    /// takes `mulaw` and `alaw`).
    public var encoding: String? {
        get { fields["encoding"]?.stringValue }
        set { set("encoding", newValue.map(JSONValue.string)) }
    }
    /// `raw` or `wav`.
    public var container: String? {
        get { fields["container"]?.stringValue }
        set { set("container", newValue.map(JSONValue.string)) }
    }
    /// MP3 bit rate in bits per second.
    public var bitRate: Int? {
        get { fields["bit_rate"]?.int64Value.map { Int($0) } }
        set { set("bit_rate", newValue.map { .int(Int64($0)) }) }
    }
    /// Renews the biometric consent of the cloned voice in ``voiceID``.
    public var extendBiometricConsent: Bool? {
        get { fields["extend_biometric_consent"]?.boolValue }
        set { set("extend_biometric_consent", newValue.map(JSONValue.bool)) }
    }

    /// Merges a JSON object into the options (a field this release has no setter for). A member
    /// whose value is `null` unsets it. `text` and `stream` belong to the call, not the options.
    public mutating func merge(json: String) throws(AssemblyAIError) {
        let value: JSONValue
        do { value = try JSONValue.parse(json) } catch { throw .invalidArgument("TTS options are not valid JSON: \(error)") }
        guard let object = value.objectValue else { throw .invalidArgument("TTS options must be a JSON object") }
        for (key, member) in object {
            guard key != "text", key != "stream" else {
                throw .invalidArgument("'\(key)' is not an option: it is given with each call")
            }
            set(key, member.isNull ? nil : member)
        }
    }

    /// The options as the JSON object the API reads.
    public var json: String { JSONValue.object(fields).serialized() }

    /// Refuses the options a WebSocket session cannot honour: it streams raw PCM or G.711.
    public func checkForSession() throws(AssemblyAIError) {
        if let c = container, c != TTSContainer.raw.rawValue {
            throw .invalidArgument("a wav container does not apply to a session, which streams raw pcm_s16le, pcm_mulaw or pcm_alaw; leave it unset")
        }
        if fields["bit_rate"] != nil {
            throw .invalidArgument("bit_rate does not apply to a session, which streams raw pcm_s16le, pcm_mulaw or pcm_alaw; leave it unset")
        }
        if encoding == TTSEncoding.mp3.rawValue {
            throw .invalidArgument("mp3 does not apply to a session, which streams raw pcm_s16le, pcm_mulaw or pcm_alaw")
        }
    }

    /// Checks a text before anything is sent: 1 to ``maxTextCharacters`` characters.
    static func checkText(_ text: String) throws(AssemblyAIError) {
        if text.isEmpty { throw .invalidArgument("text is empty: the API speaks 1 to \(maxTextCharacters) characters per request") }
        let count = text.unicodeScalars.count
        if count > maxTextCharacters {
            throw .invalidArgument("text is \(count) characters, over the API's limit of \(maxTextCharacters) per request: split it")
        }
    }

    /// The JSON body of a speech request: the options, `text` and `stream`.
    func body(text: String, stream: Bool) -> [UInt8] {
        var object = fields
        _ = object.updateValue(.string(text), forKey: "text")
        _ = object.updateValue(.bool(stream), forKey: "stream")
        return JSONValue.object(object).serializedBytes()
    }
}
