// MP3 output of Text-to-Speech (encoding "mp3", bit_rate): LAME, from Debian's libmp3lame0
// (scripts/deps installs it), opened with dlopen at the first MP3 request, so the server
// neither links it nor needs its headers. Without the library, "mp3" is refused with
// invalid_parameter naming the missing package.
//
// One `MP3Encoder` per response (or per WebSocket request): LAME keeps state across calls
// (frames span calls); `finish()` returns the last frames. Constant bit rate, mono, the
// request's sample rate (8 kHz is MPEG 2.5, 16-24 kHz MPEG 2, 32-48 kHz MPEG 1), no Xing/Info
// tag (the response is streamed and never rewritten).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class MP3Encoder: @unchecked Sendable {  // one response's task at a time
    private typealias Init = @convention(c) () -> OpaquePointer?
    private typealias SetInt = @convention(c) (OpaquePointer?, Int32) -> Int32
    private typealias Params = @convention(c) (OpaquePointer?) -> Int32
    private typealias Encode = @convention(c) (OpaquePointer?, UnsafePointer<Int16>?, UnsafePointer<Int16>?, Int32,
                                               UnsafeMutablePointer<UInt8>?, Int32) -> Int32
    private typealias Flush = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32

    private struct Library: @unchecked Sendable {
        let initialize: Init
        let setInSampleRate: SetInt, setOutSampleRate: SetInt, setChannels: SetInt, setMode: SetInt
        let setBitRate: SetInt, setQuality: SetInt, setVBRTag: SetInt
        let initParams: Params
        let encodeBuffer: Encode
        let flush: Flush
        let close: Params
    }

    /// The library, or why it cannot be used.
    private static let library: Result<Library, MP3Error> = {
        guard let handle = dlopen("libmp3lame.so.0", RTLD_NOW) else {
            return .failure(MP3Error(message: "the local server cannot encode mp3: libmp3lame.so.0 is not installed "
                                     + "(Debian package libmp3lame0; scripts/deps installs it); use pcm_s16le, pcm_mulaw or pcm_alaw"))
        }
        func sym<T>(_ name: String, _: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
        }
        guard let i = sym("lame_init", Init.self),
              let inRate = sym("lame_set_in_samplerate", SetInt.self), let outRate = sym("lame_set_out_samplerate", SetInt.self),
              let channels = sym("lame_set_num_channels", SetInt.self), let mode = sym("lame_set_mode", SetInt.self),
              let brate = sym("lame_set_brate", SetInt.self), let quality = sym("lame_set_quality", SetInt.self),
              let vbrTag = sym("lame_set_bWriteVbrTag", SetInt.self), let params = sym("lame_init_params", Params.self),
              let encode = sym("lame_encode_buffer", Encode.self), let flush = sym("lame_encode_flush", Flush.self),
              let close = sym("lame_close", Params.self) else {
            return .failure(MP3Error(message: "the local server cannot encode mp3: libmp3lame.so.0 lacks a LAME function"))
        }
        return .success(Library(initialize: i, setInSampleRate: inRate, setOutSampleRate: outRate, setChannels: channels,
                                setMode: mode, setBitRate: brate, setQuality: quality, setVBRTag: vbrTag,
                                initParams: params, encodeBuffer: encode, flush: flush, close: close))
    }()

    struct MP3Error: Error { let message: String }

    /// Nil when MP3 can be produced, else the reason (for the request's refusal).
    static var unavailableReason: String? {
        if case .failure(let e) = library { return e.message }
        return nil
    }

    private let lib: Library
    private let state: OpaquePointer

    /// A constant-bit-rate mono encoder; throws when the library is missing or refuses the
    /// combination (TTSOptions only lets valid ones through).
    init(sampleRate: Int, bitRate: Int) throws(MP3Error) {
        let lib: Library
        switch Self.library {
        case .success(let l): lib = l
        case .failure(let e): throw e
        }
        guard let state = lib.initialize() else { throw MP3Error(message: "lame_init failed") }
        _ = lib.setInSampleRate(state, Int32(sampleRate))
        _ = lib.setOutSampleRate(state, Int32(sampleRate))
        _ = lib.setChannels(state, 1)
        _ = lib.setMode(state, 3)  // MONO
        _ = lib.setBitRate(state, Int32(bitRate / 1000))
        _ = lib.setQuality(state, 5)
        _ = lib.setVBRTag(state, 0)
        guard lib.initParams(state) >= 0 else {
            _ = lib.close(state)
            throw MP3Error(message: "LAME refused \(sampleRate) Hz at \(bitRate) bit/s")
        }
        self.lib = lib
        self.state = state
    }

    deinit { _ = lib.close(state) }

    /// MP3 frames completed by these samples (often none for a short piece).
    func encode(_ samples: [Int16]) -> [UInt8] {
        guard !samples.isEmpty else { return [] }
        var out = [UInt8](repeating: 0, count: samples.count * 5 / 4 + 7200)
        let n = samples.withUnsafeBufferPointer { pcm in
            out.withUnsafeMutableBufferPointer { buf in
                lib.encodeBuffer(state, pcm.baseAddress, pcm.baseAddress, Int32(samples.count), buf.baseAddress, Int32(buf.count))
            }
        }
        return n > 0 ? Array(out[..<Int(n)]) : []
    }

    /// The last frames (the encoder is done after this).
    func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 7200)
        let n = out.withUnsafeMutableBufferPointer { lib.flush(state, $0.baseAddress, Int32($0.count)) }
        return n > 0 ? Array(out[..<Int(n)]) : []
    }
}

/// The encoder of one response's audio, in the request's encoding: PCM codecs sample by
/// sample (SpeechCodec), MP3 through LAME (stateful: `finish()` gives the last frames).
final class SpeechEncoder: @unchecked Sendable {  // one response's task at a time
    private let encoding: String
    private let mp3: MP3Encoder?

    init(_ options: TTSOptions) throws(TTSAPIError) {
        encoding = options.encoding
        if options.encoding == "mp3" {
            do {
                mp3 = try MP3Encoder(sampleRate: options.sampleRate, bitRate: options.bitRate ?? 64000)
            } catch {
                throw .invalid("encoding", error.message)
            }
        } else {
            mp3 = nil
        }
    }

    func encode(_ samples: [Int16]) -> [UInt8] {
        mp3?.encode(samples) ?? SpeechCodec.encode(samples, encoding: encoding)
    }

    func finish() -> [UInt8] { mp3?.finish() ?? [] }
}
