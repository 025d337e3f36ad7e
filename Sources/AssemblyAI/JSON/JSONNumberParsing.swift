// JSON layer of the AssemblyAI core: conversion of validated JSON number text to Int64 / Double.
// Pure Swift standard library; no Foundation.

enum JSONNumberParsing {
    /// Exact powers of ten representable in a Double (10^0 ... 10^22).
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Int64 value of an integer literal (no fraction/exponent; grammar already validated), or nil if out of range.
    @inline(__always)
    static func integerToInt64(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var i = 0
        let negative = count > 0 && p[0] == ASCII.minus
        if negative { i = 1 }
        let digits = count &- i
        guard digits > 0 else { return nil }
        if digits <= 18 {
            var v: Int64 = 0
            while i < count {
                v = v &* 10 &+ Int64(p[i] &- ASCII.zero)
                i &+= 1
            }
            return negative ? -v : v
        }
        return decimalToInt64(p, count)
    }

    /// Int64 value of any validated JSON number if it is mathematically an integer in Int64's range
    /// (e.g. `1e2`, `1.0`, `-0` qualify; `1.5` and `1e19` do not). Exact: no floating point involved.
    static func decimalToInt64(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var i = 0
        let negative = count > 0 && p[0] == ASCII.minus
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        var pendingZeros = 0   // zero digits seen after the last nonzero digit, not yet multiplied in
        var fractionDigits = 0
        var inFraction = false
        var overflow = false
        while i < count {
            let c = p[i]
            if c == ASCII.dot { inFraction = true; i &+= 1; continue }
            if c | 0x20 == 0x65 { break } // e/E
            let d = c &- ASCII.zero
            guard d < 10 else { return nil }
            if inFraction { fractionDigits &+= 1 }
            if d == 0 {
                pendingZeros &+= 1
            } else {
                if !overflow {
                    for _ in 0..<(pendingZeros &+ 1) {
                        let (m, o) = mantissa.multipliedReportingOverflow(by: 10)
                        if o { overflow = true; break }
                        mantissa = m
                    }
                    if !overflow {
                        let (s, o) = mantissa.addingReportingOverflow(UInt64(d))
                        if o { overflow = true } else { mantissa = s }
                    }
                }
                pendingZeros = 0
            }
            i &+= 1
        }
        var exponent = 0
        if i < count { // exponent part
            i &+= 1
            var expNegative = false
            if i < count && (p[i] == ASCII.minus || p[i] == ASCII.plus) {
                expNegative = p[i] == ASCII.minus
                i &+= 1
            }
            while i < count {
                let d = Int(p[i] &- ASCII.zero)
                guard d < 10 else { return nil }
                if exponent < 1_000_000 { exponent = exponent &* 10 &+ d }
                i &+= 1
            }
            if expNegative { exponent = -exponent }
        }
        if mantissa == 0 && !overflow { return 0 }
        if overflow { return nil }
        // value = mantissa * 10^(exponent - fractionDigits + pendingZeros), mantissa's last digit nonzero.
        let scale = exponent &- fractionDigits &+ pendingZeros
        if scale < 0 { return nil }
        if scale > 19 { return nil }
        var magnitude = mantissa
        for _ in 0..<scale {
            let (m, o) = magnitude.multipliedReportingOverflow(by: 10)
            if o { return nil }
            magnitude = m
        }
        if negative {
            if magnitude == UInt64(Int64.max) &+ 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Double value of a validated JSON number, correctly rounded. Values beyond Double's range give ±infinity
    /// (and tiny ones ±0), as strtod does.
    @inline(__always)
    static func toDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        if let fast = fastDouble(p, count) { return fast }
        return slowDouble(p, count)
    }

    /// Clinger's fast path: at most 19 significant digits with mantissa <= 2^53 and |exp10| <= 22 is exact
    /// with one correctly rounded multiplication or division.
    @inline(__always)
    static func fastDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var i = 0
        let negative = count > 0 && p[0] == ASCII.minus
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        // integer part
        while i < count {
            let d = p[i] &- ASCII.zero
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            digits &+= 1
            i &+= 1
        }
        if i < count && p[i] == ASCII.dot {
            i &+= 1
            while i < count {
                let d = p[i] &- ASCII.zero
                if d >= 10 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits &+= 1
                fractionDigits &+= 1
                i &+= 1
            }
        }
        guard digits <= 19 else { return nil }
        var exponent = 0
        if i < count { // e/E
            i &+= 1
            var expNegative = false
            if i < count && (p[i] == ASCII.minus || p[i] == ASCII.plus) {
                expNegative = p[i] == ASCII.minus
                i &+= 1
            }
            var expDigits = 0
            while i < count {
                let d = Int(p[i] &- ASCII.zero)
                if d >= 10 { return nil }
                exponent = exponent &* 10 &+ d
                expDigits &+= 1
                if expDigits > 4 { return nil }
                i &+= 1
            }
            if expNegative { exponent = -exponent }
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard mantissa <= (1 << 53) else { return nil }
        let e = exponent &- fractionDigits
        var value = Double(mantissa)
        if e == 0 {
        } else if e > 0 && e <= 22 {
            value *= exactPowersOfTen[e]
        } else if e < 0 && e >= -22 {
            value /= exactPowersOfTen[-e]
        } else {
            return nil
        }
        return negative ? -value : value
    }

    @inline(never)
    static func slowDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        let text = String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
        return Double(text)
    }
}
