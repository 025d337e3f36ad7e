// The streaming sessions of a process share one I/O thread and a small pool of callback
// threads, whatever their number.
//
// - StreamingLoop: one thread ("aai-stream-io") with one epoll set holding every open session's
//   socket and one eventfd. Each session is a LoopClient the loop services when its socket is
//   readable or writable, when another thread queued something for it (wake), or when its next
//   deadline (keep-alive, close timeout) is due. It never runs user code.
// - CallbackPool: `callbackThreads` threads ("aai-stream-cb", default 8) that deliver events.
//   A session with events is queued once; a worker delivers its events in order, so a session's
//   callbacks never run concurrently nor out of order; other sessions go on on the other workers.
//   A worker that blocks inside a callback on something that needs another worker (closing another
//   session and waiting for its CLOSED) is compensated with a temporary extra worker.
//
// Thread count: 1 + callbackThreads (+ temporary workers while callbacks block in close), plus a
// capture thread per microphone. Descriptors: the epoll set, the eventfd and the multi handle's
// two, plus one per session: its socket. Sessions connect through the loop too: libcurl's multi
// handle (its sockets and timer driven from the epoll set) opens the connection (DNS, proxy
// tunnel, TLS), then the loop performs the WebSocket handshake and reads until Begin.

import CCurl
import Glibc
import Synchronization

/// What the loop does with a client after servicing it.
enum LoopVerdict {
    /// Keep it: watch for writability too when `wantWrite`; service it again at `deadlineMs`
    /// (monotonic) at the latest, and at once when `again`.
    case keep(wantWrite: Bool, deadlineMs: Int?, again: Bool)
    /// Take it out of the loop; the loop then calls `finish()`.
    case done
}

protocol LoopClient: AnyObject {
    /// The socket to watch (valid once connected).
    var fd: Int32 { get }
    /// A libcurl handle to connect through the loop's multi handle first (nil: already connected).
    var connectingHandle: UnsafeMutableRawPointer? { get }
    /// libcurl finished connecting (`result`): returns the socket to watch, or -1 when the
    /// connection failed (the loop then calls finish()).
    func connected(result: CURLcode, multi: UnsafeMutableRawPointer) -> Int32
    /// Called on the loop thread. `readable`: the socket reported input (or an error/hang-up),
    /// or this is the first service.
    func service(readable: Bool, nowMs: Int, buffer: inout [UInt8]) -> LoopVerdict
    /// Called on the loop thread once the client left the epoll set.
    func finish(buffer: inout [UInt8])
}

final class StreamingLoop: @unchecked Sendable {  // shared state is guarded by `lock`; the rest is the loop thread's
    /// The process's loop, started with the first session that connects.
    static var shared: StreamingLoop? {
        startLock.withLock {
            if startedLoop == nil { startedLoop = StreamingLoop() }
            return startedLoop
        }
    }

    /// The loop if it started (nil before the first session connected).
    static var ifStarted: StreamingLoop? { startLock.withLock { startedLoop } }

    private static let startLock = Monitor()
    nonisolated(unsafe) private static var startedLoop: StreamingLoop?

    private let ep: Int32
    private let efd: Int32
    private let lock = Monitor()
    // Guarded by `lock`.
    private var incoming: [(Int, LoopClient)] = []
    private var woken: [Int] = []
    private var wokenSet = Set<Int>()
    private var sleeping = false
    private var signalled = false
    private var nextID = 1
    // The loop thread's.
    private struct Entry {
        let client: LoopClient
        var wantWrite = false
        var deadline: Int?
        /// In the epoll set (false while libcurl connects it).
        var registered = false
        /// Its libcurl handle while in the multi handle's connecting transfers.
        var connecting: UnsafeMutableRawPointer?
    }
    /// The multi handle through which sessions connect without blocking (DNS, TCP, proxy
    /// tunnel, TLS); libcurl's sockets join the epoll set through its socket callback.
    private(set) var multi: UnsafeMutableRawPointer?
    private var curlFDs: [Int32: UInt32] = [:]
    private var sessionFDs = Set<Int32>()
    private var connectingIDs: [UnsafeMutableRawPointer: Int] = [:]
    private var curlDeadline: Int?
    private static let curlTag: UInt64 = 1 << 62
    private var table: [Int: Entry] = [:]
    private var earliest = Int.max
    private var thread: NativeThread?
    private static let wakeID: UInt64 = 0

    private init?() {
        ep = aai_epoll_create()
        efd = aai_eventfd()
        guard ep >= 0, efd >= 0 else {
            if ep >= 0 { Glibc.close(ep) }
            if efd >= 0 { Glibc.close(efd) }
            return nil
        }
        guard aai_epoll_add(ep, efd, AAI_EPOLLIN, StreamingLoop.wakeID) == 0 else { return nil }
        _ = WebSocketConnection.curlGlobalInit
        guard let m = curl_multi_init() else { return nil }
        multi = m
        let me = Unmanaged.passUnretained(self).toOpaque()  // the loop lives as long as the process
        _ = aai_curlm_setopt_socket_cb(m, loopSocketCallback, me)
        _ = aai_curlm_setopt_timer_cb(m, loopTimerCallback, me)
        guard let t = NativeThread.start(name: "aai-stream-io", { [unowned self] in run() }) else { return nil }
        thread = t
    }

    /// Adds a client; returns its id for wake(). The loop services it at once.
    func register(_ client: LoopClient) -> Int {
        lock.lock()
        let id = nextID
        nextID += 1
        incoming.append((id, client))
        clients += 1
        let signal = signalLocked()
        lock.unlock()
        if signal { poke() }
        return id
    }

    /// Whether the calling thread is the loop's (no lock: an atomic the loop thread sets once;
    /// any thread may ask, also while the loop is starting).
    static var onLoopThread: Bool {
        let t = loopThread.load(ordering: .acquiring)
        return t != 0 && pthread_equal(pthread_t(t), pthread_self()) != 0
    }
    private static let loopThread = Atomic<UInt>(0)

    /// Asks the loop to service client `id` soon (from any thread).
    func wake(_ id: Int) {
        lock.lock()
        if wokenSet.insert(id).inserted { woken.append(id) }
        let signal = signalLocked()
        lock.unlock()
        if signal { poke() }
    }

    /// Whether the caller must write the eventfd (lock held): only when the loop sleeps and
    /// nobody did since.
    private func signalLocked() -> Bool {
        guard sleeping, !signalled else { return false }
        signalled = true
        return true
    }

    private func poke() {
        var one: UInt64 = 1
        _ = Glibc.write(efd, &one, 8)
    }

    private func run() {
        StreamingLoop.loopThread.store(UInt(pthread_self()), ordering: .releasing)
        if CallbackPool.configuredLowLatency { _ = aai_thread_set_slice_us(CallbackPool.lowLatencySliceUs) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var data = [UInt64](repeating: 0, count: 512)
        var masks = [UInt32](repeating: 0, count: 512)
        var again: [Int] = []
        let readMask = AAI_EPOLLIN | AAI_EPOLLERR | AAI_EPOLLHUP
        while true {
            lock.lock()
            let added = incoming
            let ids = woken
            incoming.removeAll(keepingCapacity: true)
            woken.removeAll(keepingCapacity: true)
            wokenSet.removeAll(keepingCapacity: true)
            lock.unlock()
            for (id, client) in added {
                if let easy = client.connectingHandle, let multi {
                    table[id] = Entry(client: client, connecting: easy)
                    connectingIDs[easy] = id
                    let rc = curl_multi_add_handle(multi, easy)
                    if rc != CURLM_OK { connectDone(easy, CURLE_FAILED_INIT, buffer: &buffer, again: &again) }
                    service(id, readable: false, buffer: &buffer, again: &again)  // its deadline
                    continue
                }
                table[id] = Entry(client: client, registered: true)
                watch(client.fd, AAI_EPOLLIN, UInt64(id))
                sessionFDs.insert(client.fd)
                service(id, readable: true, buffer: &buffer, again: &again)
            }
            for id in ids { service(id, readable: false, buffer: &buffer, again: &again) }
            let previous = again
            again.removeAll(keepingCapacity: true)
            for id in previous { service(id, readable: false, buffer: &buffer, again: &again) }
            // libcurl's timer.
            var now = monotonicMs()
            if let d = curlDeadline, now >= d, let multi {
                curlDeadline = nil
                var running: Int32 = 0
                _ = curl_multi_socket_action(multi, -1 /* CURL_SOCKET_TIMEOUT */, 0, &running)
                drainCurl(buffer: &buffer, again: &again)
                now = monotonicMs()
            }
            // Deadlines: a scan when the earliest is due (each scan recomputes it).
            if now >= earliest {
                earliest = Int.max
                var due: [Int] = []
                for (id, e) in table {
                    guard let d = e.deadline else { continue }
                    if d <= now { due.append(id) } else { earliest = min(earliest, d) }
                }
                for id in due { service(id, readable: false, buffer: &buffer, again: &again) }
                now = monotonicMs()
            }
            let next = min(earliest, curlDeadline ?? Int.max)
            var timeout: Int32 = again.isEmpty ? (next == Int.max ? -1 : Int32(clamping: max(0, next - now))) : 0
            lock.lock()
            if !incoming.isEmpty || !woken.isEmpty { timeout = 0 } else if timeout != 0 {
                sleeping = true
                signalled = false
            }
            lock.unlock()
            let n = aai_epoll_wait(ep, &data, &masks, 512, timeout)
            lock.lock()
            sleeping = false
            lock.unlock()
            guard n > 0 else { continue }
            for i in 0..<Int(n) {
                if data[i] == StreamingLoop.wakeID {
                    var value: UInt64 = 0
                    _ = Glibc.read(efd, &value, 8)
                    continue
                }
                if data[i] & StreamingLoop.curlTag != 0, let multi {
                    let m = masks[i]
                    var flags: Int32 = 0
                    if m & AAI_EPOLLIN != 0 { flags |= AAI_CURL_CSELECT_IN }
                    if m & AAI_EPOLLOUT != 0 { flags |= AAI_CURL_CSELECT_OUT }
                    if m & (AAI_EPOLLERR | AAI_EPOLLHUP) != 0 { flags |= AAI_CURL_CSELECT_ERR }
                    var running: Int32 = 0
                    _ = curl_multi_socket_action(multi, curl_socket_t(truncatingIfNeeded: data[i] & 0xFFFF_FFFF), flags, &running)
                    drainCurl(buffer: &buffer, again: &again)
                    continue
                }
                service(Int(data[i]), readable: masks[i] & readMask != 0, buffer: &buffer, again: &again)
            }
        }
    }

    private func service(_ id: Int, readable: Bool, buffer: inout [UInt8], again: inout [Int]) {
        guard var entry = table[id] else { return }
        switch entry.client.service(readable: readable, nowMs: monotonicMs(), buffer: &buffer) {
        case .done:
            table[id] = nil
            if entry.registered {
                _ = aai_epoll_del(ep, entry.client.fd)
                sessionFDs.remove(entry.client.fd)
            }
            if let easy = entry.connecting { connectingIDs[easy] = nil }
            countClient(-1)  // before finish: once the session's end is observable, it is not counted
            entry.client.finish(buffer: &buffer)
        case .keep(let wantWrite, let deadline, let more):
            if wantWrite != entry.wantWrite {
                let mask = AAI_EPOLLIN | (wantWrite ? AAI_EPOLLOUT : 0)
                _ = aai_epoll_mod(ep, entry.client.fd, mask, UInt64(id))
                entry.wantWrite = wantWrite
            }
            entry.deadline = deadline
            if let deadline { earliest = min(earliest, deadline) }
            table[id] = entry
            if more { again.append(id) }
        }
    }

    /// Adds or changes an epoll registration.
    private func watch(_ fd: Int32, _ mask: UInt32, _ data: UInt64) {
        if aai_epoll_add(ep, fd, mask, data) != 0 { _ = aai_epoll_mod(ep, fd, mask, data) }
    }

    /// libcurl's socket callback: what it wants to know about one of its sockets.
    fileprivate func curlSocket(_ fd: Int32, _ what: Int32) {
        if what == AAI_CURL_POLL_REMOVE {
            if curlFDs.removeValue(forKey: fd) != nil, !sessionFDs.contains(fd) { _ = aai_epoll_del(ep, fd) }
            return
        }
        guard !sessionFDs.contains(fd) else { return }  // a connected session's now
        var mask: UInt32 = 0
        if what & AAI_CURL_POLL_IN != 0 { mask |= AAI_EPOLLIN }
        if what & AAI_CURL_POLL_OUT != 0 { mask |= AAI_EPOLLOUT }
        watch(fd, mask, StreamingLoop.curlTag | UInt64(UInt32(bitPattern: fd)))
        curlFDs[fd] = mask
    }

    fileprivate func curlTimer(_ timeoutMs: Int) {
        curlDeadline = timeoutMs < 0 ? nil : monotonicMs() + timeoutMs
    }

    /// Hands the transfers libcurl finished to their clients.
    private func drainCurl(buffer: inout [UInt8], again: inout [Int]) {
        guard let multi else { return }
        var easy: UnsafeMutableRawPointer?
        var result = CURLE_OK
        while aai_curlm_next_done(multi, &easy, &result) == 1 {
            if let easy { connectDone(easy, result, buffer: &buffer, again: &again) }
        }
    }

    private func connectDone(_ easy: UnsafeMutableRawPointer, _ result: CURLcode, buffer: inout [UInt8], again: inout [Int]) {
        guard let multi, let id = connectingIDs.removeValue(forKey: easy), var entry = table[id] else { return }
        entry.connecting = nil
        let fd = entry.client.connected(result: result, multi: multi)
        guard fd >= 0 else {
            table[id] = nil
            countClient(-1)
            entry.client.finish(buffer: &buffer)
            return
        }
        sessionFDs.insert(fd)
        watch(fd, AAI_EPOLLIN, UInt64(id))
        entry.registered = true
        table[id] = entry
        service(id, readable: true, buffer: &buffer, again: &again)
    }

    /// Sessions in the loop now (registered and not finished).
    var clientCount: Int { lock.withLock { clients } }
    private var clients = 0  // guarded by `lock`

    private func countClient(_ delta: Int) { lock.withLock { clients += delta } }
}

private let loopSocketCallback: aai_curl_socket_cb = { _, fd, what, userp, _ in
    guard let userp else { return 0 }
    Unmanaged<StreamingLoop>.fromOpaque(userp).takeUnretainedValue().curlSocket(fd, what)
    return 0
}

private let loopTimerCallback: aai_curl_timer_cb = { _, timeoutMs, userp in
    guard let userp else { return 0 }
    Unmanaged<StreamingLoop>.fromOpaque(userp).takeUnretainedValue().curlTimer(timeoutMs)
    return 0
}

/// Something with events to deliver, in order, on the callback pool.
protocol CallbackTarget: AnyObject {
    /// Delivers some of its events (at most `limit`); returns true when more are waiting
    /// (the pool then queues it again, behind the others).
    func deliverSome(limit: Int) -> Bool
}

final class CallbackPool: @unchecked Sendable {  // all state guarded by `lock`
    /// The number of callback threads of the process (default 8: with 4, 1000 sessions sending
    /// at once on 2 cores beside the local server missed the 1 ms p99 in 5 runs of 33, with 8 in
    /// none of 18: when the cores are saturated each thread gets its fair share, so more threads
    /// drain a burst sooner; README, "Streaming at scale"). Settable until the pool
    /// started (the first connected session); `configure` says whether it could.
    private static let config = Monitor()
    nonisolated(unsafe) private static var threadsWanted = 8
    nonisolated(unsafe) private static var lowLatencyWanted = true
    nonisolated(unsafe) private static var started: CallbackPool?

    static var defaultThreads: Int { 8 }
    static let maxThreads = 64

    /// Sets the number of callback threads (0...maxThreads; 0: the I/O thread delivers the
    /// events itself, see deliversOnLoop); false once the pool started.
    static func configure(threads: Int) -> Bool { beforeStart { threadsWanted = threads } }

    /// Runs `change` (a setting) unless the pool started; whether it ran.
    private static func beforeStart(_ change: () -> Void) -> Bool {
        config.withLock {
            guard started == nil else { return false }
            change()
            return true
        }
    }

    static var configuredThreads: Int { config.withLock { started?.base ?? threadsWanted } }

    /// Low-latency scheduling (default on; settable until the pool started): the streaming
    /// threads ask for a short time slice, and the I/O thread yields the CPU when it hands a
    /// session's events to the pool. Without it, on a busy core a woken worker waited for the
    /// I/O thread's (or another process's) slice to end: 1-7 ms at the p99 with 1000 sessions
    /// (README, "Streaming at scale").
    static func configure(lowLatency: Bool) -> Bool { beforeStart { lowLatencyWanted = lowLatency } }

    static var configuredLowLatency: Bool { config.withLock { started?.lowLatency ?? lowLatencyWanted } }

    /// The slice asked for (EEVDF's shortest): a woken streaming thread's deadline comes
    /// before that of a thread in the middle of the default slice (0.7-3 ms), so it runs first.
    static let lowLatencySliceUs: UInt32 = 100

    /// The pool if it started.
    static var ifStarted: CallbackPool? { config.withLock { started } }

    /// The pool, started on first use.
    static var shared: CallbackPool? {
        config.withLock {
            if let started { return started }
            let pool = CallbackPool(threads: threadsWanted, lowLatency: lowLatencyWanted)
            started = pool
            return pool
        }
    }

    private let lock = Monitor()
    private let base: Int
    let lowLatency: Bool
    /// 0 callback threads: the I/O thread runs the callbacks as it reads the events (no hand-over,
    /// so no wait for another thread's CPU; the callbacks must be short and must not block).
    var deliversOnLoop: Bool { base == 0 }
    private var ring: [CallbackTarget?] = []
    private var head = 0
    private var count = 0
    private var workers: [pthread_t] = []
    private var idle = 0
    private var blocked = 0
    private var extra = 0

    private init(threads: Int, lowLatency: Bool) {
        base = threads
        self.lowLatency = lowLatency
        ring = Array(repeating: nil, count: 1024)
        lock.withLock { for _ in 0..<threads { _ = startWorkerLocked() } }
    }

    private func startWorkerLocked() -> Bool {
        guard let t = NativeThread.start(name: "aai-stream-cb", { [unowned self] in work() }) else { return false }
        workers.append(t.handle)
        t.detach()
        return true
    }

    /// Queues `target` for delivery (it must not be queued already). `handOff` (from the I/O
    /// thread, with low latency on): then yields the CPU, so that a worker woken on this core
    /// delivers now instead of after the I/O thread's slice; a yield with nothing else runnable
    /// returns at once.
    func schedule(_ target: CallbackTarget, handOff: Bool = false) {
        lock.lock()
        if count == ring.count {  // grow, keeping the order
            var bigger: [CallbackTarget?] = Array(repeating: nil, count: ring.count * 2)
            for i in 0..<count { bigger[i] = ring[(head + i) % ring.count] }
            ring = bigger
            head = 0
        }
        ring[(head + count) % ring.count] = target
        count += 1
        let wakeOne = idle > 0
        lock.unlock()
        if wakeOne { lock.signal() }
        if handOff, lowLatency { sched_yield() }
    }

    /// Whether the calling thread is one of the pool's.
    var isWorker: Bool {
        let me = pthread_self()
        return lock.withLock { workers.contains { pthread_equal($0, me) != 0 } }
    }

    /// Runs `body`, which blocks until other callbacks ran, on a worker: if no other worker is
    /// free meanwhile, a temporary one is started so that the pool cannot deadlock.
    func blocking<R>(_ body: () -> R) -> R {
        lock.withLock {
            blocked += 1
            if workers.count - blocked < 1 || (idle == 0 && count > 0 && workers.count - blocked < base) {
                if startWorkerLocked() { extra += 1 }
            }
        }
        let r = body()
        lock.withLock { blocked -= 1 }
        return r
    }

    private func work() {
        if lowLatency { _ = aai_thread_set_slice_us(CallbackPool.lowLatencySliceUs) }
        let me = pthread_self()
        while true {
            lock.lock()
            while count == 0 {
                // A temporary worker leaves once the blocked ones are back.
                if extra > 0, workers.count - blocked > base {
                    extra -= 1
                    workers.removeAll { pthread_equal($0, me) != 0 }
                    lock.unlock()
                    return
                }
                idle += 1
                lock.wait(untilMs: extra > 0 ? monotonicMs() + 1000 : nil)
                idle -= 1
            }
            let target = ring[head]
            ring[head] = nil
            head = (head + 1) % ring.count
            count -= 1
            lock.unlock()
            if let target, target.deliverSome(limit: 32) { schedule(target) }
        }
    }

    /// Threads of the pool now (base + temporary).
    var threadCount: Int { lock.withLock { workers.count } }
}
