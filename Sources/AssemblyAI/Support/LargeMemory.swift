import Glibc

/// Memory for the big buffers of a held transcript (the JSON tape, the word table), taken from
/// the kernel with mmap when large so that freeing a transcript gives its memory back.
///
/// Why not malloc: after a large mmapped block is freed (a 20 MB response body), glibc raises its
/// mmap threshold to that size, and from then on a 12 MB tape comes from the heap; freed, it stays
/// there, and the process's RSS does not go down when the transcript is freed (measured: 57 MB
/// after freeing a 100k-word transcript, 18 MB with mmap).
enum LargeMemory {
    /// Below this, malloc (small buffers are reused by malloc anyway).
    static let mmapFrom = 256 * 1024

    static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer? {
        if bytes < mmapFrom { return malloc(max(1, bytes)) }
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        return p == MAP_FAILED ? nil : p
    }

    /// Resizes a block from `allocate` (or a previous resize) of `old` bytes; nil leaves it untouched.
    static func resize(_ p: UnsafeMutableRawPointer, from old: Int, to new: Int) -> UnsafeMutableRawPointer? {
        switch (old >= mmapFrom, new >= mmapFrom) {
        case (false, false):
            return realloc(p, max(1, new))
        case (true, true) where new <= old:
            // Shrinking: give the whole pages past the new end back.
            let keep = roundUp(new), mapped = roundUp(old)
            if mapped > keep { munmap(p + keep, mapped - keep) }
            return p
        default:
            guard let q = allocate(new) else { return nil }
            memcpy(q, p, min(old, new))
            release(p, old)
            return q
        }
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    private static func roundUp(_ n: Int) -> Int { (n + pageSize - 1) / pageSize * pageSize }

    static func release(_ p: UnsafeMutableRawPointer?, _ bytes: Int) {
        guard let p else { return }
        if bytes < mmapFrom { free(p) } else { munmap(p, bytes) }
    }
}
