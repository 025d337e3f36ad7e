// Audio sources for streaming sessions: a WAV file (PCM16 mono, sent in chunks of a chosen
// duration, optionally paced in real time) and the microphone through ALSA.

import CALSA
import Glibc

/// The format of a WAV file, as read from its RIFF chunks.
public struct WAVFormat: Sendable, Equatable {
    public var formatTag: Int
    public var channels: Int
    public var sampleRate: Int
    public var bitsPerSample: Int
    /// Where the samples start in the file, and how many bytes they take.
    public var dataOffset: Int
    public var dataLength: Int

    /// Reads a WAV file's header. Fails with invalidArgument for a file that is not a
    /// RIFF/WAVE file with fmt and data chunks, and with io when it cannot be read.
    public static func read(path: String) throws(AssemblyAIError) -> WAVFormat {
        guard let file = fopen(path, "rb") else {
            throw AssemblyAIError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        fseeko(file, 0, SEEK_END)
        let size = Int(ftello(file))
        fseeko(file, 0, SEEK_SET)
        func read(_ n: Int) -> [UInt8] {
            var b = [UInt8](repeating: 0, count: n)
            let got = fread(&b, 1, n, file)
            return Array(b[0..<got])
        }
        let head = read(12)
        guard head.count == 12, head[0..<4] == [0x52, 0x49, 0x46, 0x46], head[8..<12] == [0x57, 0x41, 0x56, 0x45] else {
            throw AssemblyAIError(.invalidArgument, "\(path) is not a WAV file (no RIFF/WAVE header); streaming needs 16-bit PCM mono WAV")
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        var data: (offset: Int, length: Int)?
        while offset + 8 <= size, data == nil || format == nil {
            fseeko(file, off_t(offset), SEEK_SET)
            let h = read(8)
            guard h.count == 8 else { break }
            let id = String(decoding: h[0..<4], as: UTF8.self)
            let declared = Int(UInt32(h[4]) | UInt32(h[5]) << 8 | UInt32(h[6]) << 16 | UInt32(h[7]) << 24)
            let body = offset + 8
            let length = min(declared, size - body)  // a streamed WAV may overstate its sizes
            if id == "fmt ", length >= 16 {
                let f = read(min(length, 40))
                var tag = Int(UInt16(f[0]) | UInt16(f[1]) << 8)
                if tag == 0xFFFE, f.count >= 26 { tag = Int(UInt16(f[24]) | UInt16(f[25]) << 8) }  // WAVE_FORMAT_EXTENSIBLE: the sub-format
                format = (tag, Int(UInt16(f[2]) | UInt16(f[3]) << 8),
                          Int(UInt32(f[4]) | UInt32(f[5]) << 8 | UInt32(f[6]) << 16 | UInt32(f[7]) << 24),
                          Int(UInt16(f[14]) | UInt16(f[15]) << 8))
            } else if id == "data" {
                data = (body, max(0, length))
            }
            offset = body + length + (length & 1)
        }
        guard let format else { throw AssemblyAIError(.invalidArgument, "\(path) is a RIFF/WAVE file without a fmt chunk") }
        guard let data else { throw AssemblyAIError(.invalidArgument, "\(path) is a WAV file without a data chunk") }
        return WAVFormat(formatTag: format.tag, channels: format.channels, sampleRate: format.rate, bitsPerSample: format.bits,
                         dataOffset: data.offset, dataLength: data.length)
    }

    /// Why this file cannot be streamed as PCM16 mono at `sampleRate`, or nil.
    public func problem(forSampleRate sampleRate: Int) -> String? {
        if formatTag != 1 { return "is not PCM (WAV format tag \(formatTag)); streaming needs 16-bit PCM mono" }
        if bitsPerSample != 16 { return "has \(bitsPerSample)-bit samples; streaming needs 16-bit PCM mono" }
        if channels != 1 { return "has \(channels) channels; streaming needs mono (1 channel)" }
        if self.sampleRate != sampleRate {
            return "has a sample rate of \(self.sampleRate) Hz but the session's sample_rate is \(sampleRate) Hz"
        }
        return nil
    }
}

extension StreamingSession {
    /// Streams a PCM16 mono WAV file on the calling thread and returns when all of it is queued.
    ///
    /// - chunkMs: duration of each piece read from the file (default 100); the session frames
    ///   the pieces into messages the API accepts (AudioFramer), so any duration works.
    /// - realtime: pace the chunks at the audio's own speed (chunk i leaves at i x chunkMs),
    ///   as a live source would; otherwise as fast as the connection takes them.
    /// A full queue makes this wait (it never fails for that); a session that ends stops it.
    public func sendWAVFile(path: String, chunkMs: Int = 100, realtime: Bool = false) throws(AssemblyAIError) {
        let options = self.options
        guard chunkMs > 0 else { throw AssemblyAIError(.invalidArgument, "chunk duration must be > 0 ms, got \(chunkMs)") }
        guard options.encoding == "pcm_s16le" else {
            throw AssemblyAIError(.invalidArgument, "a WAV file streams as pcm_s16le; the session's encoding is \(options.encoding)")
        }
        let format = try WAVFormat.read(path: path)
        if let problem = format.problem(forSampleRate: options.sampleRate) {
            throw AssemblyAIError(.invalidArgument, "\(path) \(problem)")
        }
        try checkOpenForSending()
        guard let file = fopen(path, "rb") else { throw AssemblyAIError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        fseeko(file, off_t(format.dataOffset), SEEK_SET)
        let chunkBytes = max(2, options.sampleRate * 2 * chunkMs / 1000 & ~1)
        var remaining = format.dataLength & ~1
        let start = monotonicMs()
        var sentMs = 0.0
        var index = 0
        while remaining > 0 {
            let n = min(chunkBytes, remaining)
            var chunk = [UInt8](repeating: 0, count: n)
            let got = fread(&chunk, 1, n, file)
            guard got == n else { throw AssemblyAIError(.io, "reading \(path) failed after \(format.dataLength - remaining) bytes of audio") }
            if realtime {
                let due = start + Int(sentMs)
                let wait = due - monotonicMs()
                if wait > 0 { usleep(UInt32(wait) * 1000) }
            }
            try sendAudio(chunk, waitMs: nil)
            sentMs += Double(n) * 1000 / Double(options.sampleRate * 2)
            remaining -= n
            index += 1
        }
    }

    /// Starts capturing from an ALSA capture device (e.g. "default", "hw:1,0", or a PCM of an
    /// ALSA config file) at the session's sample rate, 16-bit mono, sending chunks of `chunkMs`
    /// from a capture thread. Stops after `maxDurationMs` of audio (0: until stopped, closed or
    /// freed). Errors while capturing arrive as error events.
    public func startMicrophone(device: String, chunkMs: Int = 100, maxDurationMs: Int = 0) throws(AssemblyAIError) {
        let options = self.options
        guard options.encoding == "pcm_s16le" else {
            throw AssemblyAIError(.invalidArgument, "the microphone captures pcm_s16le; the session's encoding is \(options.encoding)")
        }
        guard chunkMs > 0 else { throw AssemblyAIError(.invalidArgument, "chunk duration must be > 0 ms, got \(chunkMs)") }
        guard maxDurationMs >= 0 else { throw AssemblyAIError(.invalidArgument, "max duration must be >= 0 ms") }
        guard isOpen else { throw AssemblyAIError(.state, "the microphone needs an open session") }
        let mic = try MicrophoneCapture(device: device, sampleRate: options.sampleRate)
        try attachMicrophone(mic)
        let chunkFrames = max(1, options.sampleRate * chunkMs / 1000)
        let maxFrames = maxDurationMs == 0 ? Int.max : options.sampleRate * maxDurationMs / 1000
        do throws(AssemblyAIError) {
            try mic.start { [weak self] in
                guard let self else { return }
                var total = 0
                while !mic.stopping, total < maxFrames {
                    let want = min(chunkFrames, maxFrames - total)
                    do throws(AssemblyAIError) {
                        let samples = try mic.read(frames: want)
                        if samples.isEmpty { continue }
                        // Waits for room in steps, to notice a stop meanwhile: a stop from a
                        // callback on the I/O thread (0 callback threads) waits for this thread
                        // while the queue cannot drain. Such a stop drops the chunk.
                        while true {
                            do throws(AssemblyAIError) {
                                try self.sendAudio(samples, waitMs: 100)
                                break
                            } catch where error.code == .timeout && !mic.stopping {
                                continue
                            }
                        }
                        total += samples.count / 2
                    } catch {
                        if !mic.stopping, self.isOpen { self.postSourceError(error) }
                        break
                    }
                }
            }
        } catch {
            _ = detachMicrophone()
            throw error
        }
    }

    /// Stops the microphone (waits for its thread). A no-op when it is not capturing.
    public func stopMicrophone() {
        detachMicrophone()?.stop()
    }
}

/// An ALSA capture handle and its thread.
final class MicrophoneCapture: @unchecked Sendable {  // pcm used only by the capture thread after start
    private var pcm: OpaquePointer?
    private var thread: NativeThread?
    private let flag = Monitor()
    private var stopFlag = false
    private let periodFrames: Int
    let device: String

    init(device: String, sampleRate: Int) throws(AssemblyAIError) {
        self.device = device
        guard aai_alsa_load() != 0 else {
            throw AssemblyAIError(.io, "the microphone needs ALSA, and libasound.so.2 could not be loaded (install the libasound2 package)")
        }
        let previous = aai_alsa_quiet_begin()
        defer { aai_alsa_quiet_end(previous) }
        var handle: OpaquePointer?
        var rc = aai_snd_pcm_open(&handle, device, SND_PCM_STREAM_CAPTURE, 0)
        guard rc >= 0, let handle else {
            let detail = String(cString: aai_alsa_last_message())
            throw AssemblyAIError(.io, "cannot open the ALSA capture device '\(device)': \(String(cString: aai_snd_strerror(rc)))"
                                  + (detail.isEmpty ? "" : " (\(detail))"))
        }
        // 16-bit little-endian mono at the session's rate; ALSA resamples if the device cannot (soft_resample 1).
        rc = aai_snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, UInt32(sampleRate), 1, 500_000)
        guard rc >= 0 else {
            aai_snd_pcm_close(handle)
            throw AssemblyAIError(.io, "the ALSA device '\(device)' cannot capture 16-bit mono at \(sampleRate) Hz: \(String(cString: aai_snd_strerror(rc)))")
        }
        var bufferSize: snd_pcm_uframes_t = 0
        var periodSize: snd_pcm_uframes_t = 0
        aai_snd_pcm_get_params(handle, &bufferSize, &periodSize)
        // Never ask for more than one buffer per read (larger reads return garbage on some plugins).
        periodFrames = max(1, Int(bufferSize > 0 ? bufferSize : 1024))
        pcm = handle
    }

    deinit { if let pcm { aai_snd_pcm_close(pcm) } }

    var stopping: Bool { flag.withLock { stopFlag } }

    func start(_ body: @escaping @Sendable () -> Void) throws(AssemblyAIError) {
        guard let t = NativeThread.start(name: "aai-stream-mic", {
            _ = aai_alsa_quiet_begin()  // this thread is ours: keep ALSA quiet for its whole life
            body()
        }) else {
            throw AssemblyAIError(.internal, "could not start the microphone thread")
        }
        thread = t
    }

    /// Reads `frames` 16-bit frames (as bytes), in reads of at most one ALSA buffer.
    func read(frames: Int) throws(AssemblyAIError) -> [UInt8] {
        guard let pcm else { return [] }
        var out = [UInt8](repeating: 0, count: frames * 2)
        var got = 0
        while got < frames {
            if stopping { break }
            let want = min(frames - got, periodFrames)
            let n = out.withUnsafeMutableBytes { raw in
                aai_snd_pcm_readi(pcm, raw.baseAddress! + got * 2, snd_pcm_uframes_t(want))
            }
            if n < 0 {
                let rc = aai_snd_pcm_recover(pcm, Int32(n), 1)  // overruns: recover and go on
                if rc < 0 { throw AssemblyAIError(.io, "reading the ALSA device '\(device)' failed: \(String(cString: aai_snd_strerror(Int32(n))))") }
                continue
            }
            got += Int(n)
        }
        return Array(out[0..<(got * 2)])
    }

    func stop() {
        flag.withLock { stopFlag = true }
        if let thread, !thread.isCurrent { thread.join() }
        thread = nil
    }
}
