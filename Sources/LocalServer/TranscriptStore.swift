// Transcript jobs in memory. A job's outcome is computed when it is submitted; its status is
// a function of the clock (queued, then processing, then completed or error), so a polling
// client sees the real progression without any background task.

import Foundation

struct TranscriptJob: Sendable {
    enum Outcome: Sendable {
        case recognized(TranscriptContent)
        case failed(String)
    }

    let id: String
    /// Submission order; breaks ties between jobs created in the same instant.
    let seq: Int
    let created: Date
    /// The validated request body.
    let request: [String: JSON]
    /// nil while the speech recogniser is still working on the audio.
    var outcome: Outcome?
    let processingAt: Date
    var finishedAt: Date
    var deleted = false
    /// The HTTP status the webhook receiver answered, once the webhook was delivered.
    var webhookStatusCode: Int?

    func status(at now: Date) -> String {
        if now < processingAt { return "queued" }
        if now < finishedAt || outcome == nil { return "processing" }
        if case .failed? = outcome { return "error" }
        return "completed"
    }

    /// The outcome, once the job is finished.
    func finished(at now: Date) -> Outcome? { now < finishedAt ? nil : outcome }

    /// Whether the outcome is known and the clock has passed finishedAt.
    var isPending: Bool { outcome == nil }
}

/// Filters and cursors of `GET /v2/transcript`, already validated against the spec.
struct TranscriptListQuery: Sendable {
    var limit = 10
    var status: String?
    var createdOn: String?
    var beforeID: String?
    var afterID: String?
    var throttledOnly = false
}

final class TranscriptStore: Sendable {
    let queuedMs: Int
    let processingMs: Int
    private let state = Locked<(seq: Int, jobs: [String: TranscriptJob])>((0, [:]))
    /// Serialized Transcript of finished jobs: it no longer changes, and a 100k-word
    /// transcript takes about half a second to render.
    private let rendered = Locked<[String: String]>([:])

    init(queuedMs: Int, processingMs: Int) {
        self.queuedMs = queuedMs
        self.processingMs = processingMs
    }

    /// Adds a job; `outcome` nil means the recogniser is still working on it (see `resolve`).
    func add(request: [String: JSON], outcome: TranscriptJob.Outcome?, now: Date = Date()) -> TranscriptJob {
        state.withLock { s in
            let processingAt = now.addingTimeInterval(Double(queuedMs) / 1000)
            let job = TranscriptJob(id: UUID().uuidString.lowercased(), seq: s.seq, created: now, request: request,
                                    outcome: outcome, processingAt: processingAt,
                                    finishedAt: processingAt.addingTimeInterval(Double(processingMs) / 1000))
            s.seq += 1
            s.jobs[job.id] = job
            return job
        }
    }

    func get(_ id: String) -> TranscriptJob? {
        state.withLock { $0.jobs[id.lowercased()] }
    }

    /// The JSON text of a finished job, rendered once by `render` and kept until deletion.
    func renderedBody(of job: TranscriptJob, now: Date, render: (TranscriptJob) -> JSON) -> String {
        guard job.finished(at: now) != nil, !job.deleted else { return render(job).serialized() }
        if let body = rendered.withLock({ $0[job.id] }) { return body }
        let body = render(job).serialized()
        rendered.withLock { $0[job.id] = body }
        return body
    }

    /// Sets the outcome of a pending job; it finishes at the later of its planned finish and
    /// now. Returns the job as it now is.
    @discardableResult
    func resolve(_ id: String, outcome: TranscriptJob.Outcome, now: Date = Date()) -> TranscriptJob? {
        let job: TranscriptJob? = state.withLock { s in
            guard var job = s.jobs[id] else { return nil }
            job.outcome = outcome
            if job.finishedAt < now { job.finishedAt = now }
            s.jobs[id] = job
            return job
        }
        rendered.withLock { $0[id] = nil }
        return job
    }

    /// Marks the job deleted (its content is no longer served); nil when there is no such job.
    func markDeleted(_ id: String) -> TranscriptJob? {
        let job: TranscriptJob? = state.withLock { s in
            guard var job = s.jobs[id.lowercased()] else { return nil }
            job.deleted = true
            s.jobs[job.id] = job
            return job
        }
        if let job { rendered.withLock { $0[job.id] = nil } }
        return job
    }

    /// Records the webhook receiver's answer (the transcript's webhook_status_code).
    func setWebhookStatus(_ id: String, _ code: Int) {
        state.withLock { s in s.jobs[id.lowercased()]?.webhookStatusCode = code }
        rendered.withLock { $0[id.lowercased()] = nil }
    }

    struct Page {
        /// Newest first.
        let jobs: [TranscriptJob]
        /// Cursor for the page of older jobs (`before_id`), nil when there are none.
        let olderCursor: String?
        /// Cursor for the page of newer jobs (`after_id`), nil when there are none.
        let newerCursor: String?
    }

    /// One page of jobs, newest first. With only `after_id`, the page holds the jobs right
    /// after that one (so following `next_url` walks forward without gaps).
    func list(_ q: TranscriptListQuery, now: Date = Date()) throws -> Page {
        let all = state.withLock { Array($0.jobs.values) }.sorted { $0.seq > $1.seq }
        func seq(of id: String?, _ name: String) throws -> Int? {
            guard let id else { return nil }
            guard let job = all.first(where: { $0.id == id.lowercased() }) else {
                throw APIError.badRequest("\(name) \(id) does not match any transcript")
            }
            return job.seq
        }
        let before = try seq(of: q.beforeID, "before_id")
        let after = try seq(of: q.afterID, "after_id")
        if let before, let after, after >= before {
            throw APIError.badRequest("after_id must name a transcript created before the before_id transcript")
        }

        let filtered = all.filter { job in
            if q.throttledOnly { return false }  // this server never throttles
            if let status = q.status, job.status(at: now) != status { return false }
            if let day = q.createdOn, Self.day(of: job.created) != day { return false }
            return true
        }
        let inRange = filtered.filter { job in
            (before.map { job.seq < $0 } ?? true) && (after.map { job.seq > $0 } ?? true)
        }
        let page = after != nil && before == nil ? Array(inRange.suffix(q.limit)) : Array(inRange.prefix(q.limit))
        guard let newest = page.first, let oldest = page.last else {
            return Page(jobs: [], olderCursor: nil, newerCursor: nil)
        }
        return Page(jobs: page,
                    olderCursor: filtered.contains { $0.seq < oldest.seq } ? oldest.id : nil,
                    newerCursor: filtered.contains { $0.seq > newest.seq } ? newest.id : nil)
    }

    /// `YYYY-MM-DD` of a date in UTC, as `created_on` compares it.
    static func day(of date: Date) -> String { String(timestamp(date).prefix(10)) }

    /// `2024-03-11T21:29:59.936851` (UTC, microseconds, no zone), the API's list format.
    static func timestamp(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        var seconds = time_t(micros / 1_000_000)
        var tm = tm()
        gmtime_r(&seconds, &tm)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let fraction = String(micros % 1_000_000)
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T"
            + "\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2))."
            + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
