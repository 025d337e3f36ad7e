import XCTest
@testable import AssemblyAI

final class JSONValueTests: XCTestCase {

    func testLiteralsAndAccessors() {
        let v: JSONValue = ["a": 1, "b": 2.5, "c": "s", "d": true, "e": nil, "f": [1, "x"], "g": ["h": false]]
        XCTAssertEqual(v["a"], .int(1))
        XCTAssertEqual(v["a"]?.int64Value, 1)
        XCTAssertEqual(v["a"]?.doubleValue, 1.0)
        XCTAssertEqual(v["b"], .double(2.5))
        XCTAssertNil(v["b"]?.int64Value)
        XCTAssertEqual(JSONValue.double(3).int64Value, 3)
        XCTAssertEqual(v["c"]?.stringValue, "s")
        XCTAssertEqual(v["d"]?.boolValue, true)
        XCTAssertEqual(v["e"]?.isNull, true)
        XCTAssertEqual(v["f"]?[1], "x")
        XCTAssertNil(v["f"]?[2])
        XCTAssertEqual(v["g"]?["h"], false)
        XCTAssertEqual(v["f"]?.arrayValue?.count, 2)
        XCTAssertEqual(v.objectValue?.keys, ["a", "b", "c", "d", "e", "f", "g"])
        XCTAssertEqual(v.kind, .object)
        XCTAssertNil(v["zz"])
        XCTAssertNil(JSONValue.int(1)["a"])
        XCTAssertNotEqual(JSONValue.int(1), JSONValue.double(1))
    }

    // MARK: serialization

    func testSerializeScalars() {
        XCTAssertEqual(JSONValue.null.serialized(), "null")
        XCTAssertEqual(JSONValue.bool(true).serialized(), "true")
        XCTAssertEqual(JSONValue.bool(false).serialized(), "false")
        XCTAssertEqual(JSONValue.int(0).serialized(), "0")
        XCTAssertEqual(JSONValue.int(-7).serialized(), "-7")
        XCTAssertEqual(JSONValue.int(10).serialized(), "10")
        XCTAssertEqual(JSONValue.int(Int64.max).serialized(), "9223372036854775807")
        XCTAssertEqual(JSONValue.int(Int64.min).serialized(), "-9223372036854775808")
        XCTAssertEqual(JSONValue.double(0.1).serialized(), "0.1")
        XCTAssertEqual(JSONValue.double(100).serialized(), "100.0")
        XCTAssertEqual(JSONValue.double(-0.0).serialized(), "-0.0")
        XCTAssertEqual(JSONValue.double(1e16).serialized(), "1e+16")
        XCTAssertEqual(JSONValue.double(1.5e-7).serialized(), "1.5e-07")
        XCTAssertEqual(JSONValue.double(123456789012345).serialized(), "123456789012345.0")
        XCTAssertEqual(JSONValue.double(.nan).serialized(), "null")
        XCTAssertEqual(JSONValue.double(.infinity).serialized(), "null")
        XCTAssertEqual(JSONValue.double(-.infinity).serialized(), "null")
        XCTAssertEqual(JSONValue.array([.double(.nan), 1]).serialized(), "[null,1]")
        // Every serialized finite double parses back to the same double.
        var rng = SplitMix64(seed: 1)
        for _ in 0..<5_000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite else { continue }
            let text = JSONValue.double(d).serialized()
            XCTAssertEqual(try JSONDocument(string: text).root.double, d, text)
        }
    }

    func testSerializeStrings() {
        XCTAssertEqual(JSONValue.string("plain").serialized(), "\"plain\"")
        XCTAssertEqual(JSONValue.string("a\"b\\c/d").serialized(), #""a\"b\\c/d""#)
        XCTAssertEqual(JSONValue.string("\n\r\t\u{8}\u{C}").serialized(), #""\n\r\t\b\f""#)
        XCTAssertEqual(JSONValue.string("\u{0}\u{1}\u{1F}\u{7F}").serialized(), "\"\\u0000\\u0001\\u001f\u{7F}\"")
        XCTAssertEqual(JSONValue.string("é😀日本\u{2028}").serialized(), "\"é😀日本\u{2028}\"")
        XCTAssertEqual(JSONValue.string("").serialized(), "\"\"")
        // Every control character round-trips.
        let all = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        XCTAssertEqual(try JSONValue.parse(JSONValue.string(all).serialized()), .string(all))
        // Non-contiguous (bridged) strings are not a concern on Linux, but substrings go through the same path.
        let sub = "xx\"yy"[...]
        XCTAssertEqual(JSONValue.string(String(sub)).serialized(), #""xx\"yy""#)
    }

    func testSerializeContainers() {
        let v: JSONValue = ["z": 1, "a": [true, nil, "x", ["k": []]], "m": [:]]
        XCTAssertEqual(v.serialized(), #"{"z":1,"a":[true,null,"x",{"k":[]}],"m":{}}"#)
        XCTAssertEqual(v.description, v.serialized())
        XCTAssertEqual(v.serializedBytes(), Array(v.serialized().utf8))
        XCTAssertEqual(JSONValue.array([]).serialized(), "[]")
        var out: [UInt8] = Array("prefix:".utf8)
        JSONValue.int(5).serialize(into: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "prefix:5")
    }

    // MARK: parse / round trip

    func testParse() throws {
        let v = try JSONValue.parse(#"{"id":"abc","n":12,"d":1.25,"big":12345678901234567890,"e":1e2,"a":[null,true],"s":"\u00e9"}"#)
        XCTAssertEqual(v["id"], "abc")
        XCTAssertEqual(v["n"], .int(12))
        XCTAssertEqual(v["d"], .double(1.25))
        XCTAssertEqual(v["big"], .double(12345678901234567890.0))
        XCTAssertEqual(v["e"], .double(100))
        XCTAssertEqual(v["a"], [nil, true])
        XCTAssertEqual(v["s"], "é")
        XCTAssertEqual(v.objectValue?.keys, ["id", "n", "d", "big", "e", "a", "s"])
        XCTAssertThrowsError(try JSONValue.parse("[1,]"))
        XCTAssertThrowsError(try JSONValue.parse(Array("{\"a\":".utf8)))
        // Duplicate keys: the first occurrence wins, as JSONNode lookups do.
        XCTAssertEqual(try JSONValue.parse(#"{"a":1,"b":2,"a":3}"#), ["a": 1, "b": 2])
    }

    func testRoundTrip() throws {
        let documents = [
            #"{"a":[1,2.5,-3e-7,"x\ny",{"b":null}],"c":{"d":[[],{}]},"e":"\u0000\u001f\"\\/é😀","f":false}"#,
            "[1e300,-0.0,0,9223372036854775807,-9223372036854775808,0.1,1.7976931348623157e308,5e-324]",
            #""just a string""#, "123", "[[[[[[[[[[\"deep\"]]]]]]]]]]",
        ] + JSONParserTests.accepted.filter { !$0.contains("9999") } // 1.5e+9999 is infinity: serialized as null
        for text in documents {
            let v1 = try JSONValue.parse(text)
            let s1 = v1.serialized()
            let v2 = try JSONValue.parse(s1)
            XCTAssertEqual(v1, v2, text)
            XCTAssertEqual(v2.serialized(), s1, "serialization is stable: \(text)")
            if case .object(let o1) = v1, case .object(let o2) = v2 { XCTAssertTrue(o1.elementsEqual(o2)) }
        }
        // Random trees.
        var rng = SplitMix64(seed: 99)
        for _ in 0..<200 {
            let v = randomValue(&rng, depth: 0)
            XCTAssertEqual(try JSONValue.parse(v.serializedBytes()), v)
        }
    }

    private func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
        let pick = rng.next() % (depth > 4 ? 5 : 7)
        switch pick {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: rng.next()) >> (rng.next() % 64))
        case 3:
            let d = Double(bitPattern: rng.next())
            return .double(d.isFinite ? d : 0.5)
        case 4:
            let scalars = (0..<(rng.next() % 12)).map { _ -> Character in
                let choices: [UInt32] = [0x0, 0x1F, 0x22, 0x5C, 0x2F, 0x41, 0xE9, 0x65E5, 0x1F600, 0x7F]
                return Character(Unicode.Scalar(choices[Int(rng.next() % 10)]) ?? "?")
            }
            return .string(String(scalars))
        case 5:
            return .array((0..<(rng.next() % 5)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var o = JSONObject()
            for i in 0..<(rng.next() % 25) { o["k\(i)_\(rng.next() % 7)"] = randomValue(&rng, depth: depth + 1) }
            return .object(o)
        }
    }

    // MARK: JSONObject

    func testObjectOrderAndMutation() {
        var o = JSONObject()
        o["b"] = 1
        o["a"] = 2
        o["c"] = 3
        XCTAssertEqual(o.keys, ["b", "a", "c"])
        o["a"] = "replaced"
        XCTAssertEqual(o.keys, ["b", "a", "c"], "replacing keeps the first insertion position")
        XCTAssertEqual(o["a"], "replaced")
        XCTAssertEqual(o.removeValue(forKey: "b"), 1)
        XCTAssertNil(o.removeValue(forKey: "b"))
        XCTAssertEqual(o.keys, ["a", "c"])
        o["b"] = 4
        XCTAssertEqual(o.keys, ["a", "c", "b"])
        o["c"] = nil
        XCTAssertEqual(o.keys, ["a", "b"])
        XCTAssertEqual(o.count, 2)
        XCTAssertEqual(o.map(\.key), ["a", "b"])
        XCTAssertEqual(o.values, ["replaced", 4])
        XCTAssertTrue(o.contains(key: "a"))
        XCTAssertFalse(o.contains(key: "zz"))
        XCTAssertEqual(o.updateValue(5, forKey: "b"), 4)
        XCTAssertNil(o.updateValue(6, forKey: "d"))
        XCTAssertEqual(JSONValue.object(o).serialized(), #"{"a":"replaced","b":5,"d":6}"#)
        o.removeAll()
        XCTAssertTrue(o.isEmpty)
    }

    func testObjectMerge() {
        var base: JSONObject = ["a": 1, "b": 2, "c": 3]
        base.merge(["b": 20, "d": 4, "a": 10])
        XCTAssertEqual(base.keys, ["a", "b", "c", "d"])
        XCTAssertEqual(JSONValue.object(base).serialized(), #"{"a":10,"b":20,"c":3,"d":4}"#)
        let x: JSONObject = ["x": 1]
        let merged = x.merging(["y": 2])
        XCTAssertEqual(merged.keys, ["x", "y"])
        let fromSequence = JSONObject([("k", JSONValue.int(1)), ("j", 2), ("k", 3)])
        XCTAssertEqual(fromSequence.keys, ["k", "j"])
        XCTAssertEqual(fromSequence["k"], 3)
    }

    func testObjectEquality() {
        let a: JSONObject = ["x": 1, "y": [1, 2]]
        let b: JSONObject = ["y": [1, 2], "x": 1]
        XCTAssertEqual(a, b, "== ignores order")
        XCTAssertFalse(a.elementsEqual(b))
        XCTAssertTrue(a.elementsEqual(["x": 1, "y": [1, 2]]))
        XCTAssertNotEqual(a, ["x": 1, "y": [2, 1]])
        XCTAssertNotEqual(a, ["x": 1])
        XCTAssertNotEqual(a, ["x": 1, "z": [1, 2]])
        // Keys compare by UTF-8 bytes: precomposed and decomposed é are different JSON names.
        var o = JSONObject()
        o["\u{E9}"] = 1
        o["e\u{301}"] = 2
        XCTAssertEqual(o.count, 2)
        XCTAssertEqual(o["\u{E9}"], 1)
        XCTAssertEqual(o["e\u{301}"], 2)
    }

    func testLargeObjectIndex() {
        var o = JSONObject()
        for i in 0..<1000 { o["key\(i)"] = .int(Int64(i)) }
        XCTAssertEqual(o.count, 1000)
        XCTAssertEqual(o["key500"], 500)
        XCTAssertEqual(o.keys.first, "key0")
        XCTAssertEqual(o.keys.last, "key999")
        XCTAssertEqual(o.removeValue(forKey: "key10"), 10)
        XCTAssertNil(o["key10"])
        XCTAssertEqual(o["key11"], 11)
        XCTAssertEqual(o.index(forKey: "key11"), 10)
        o["key10"] = 1010
        XCTAssertEqual(o.keys.last, "key10")
        for i in 0..<990 { o["key\(i)"] = nil }
        XCTAssertEqual(o.count, 10)
        XCTAssertEqual(o["key995"], 995)
        XCTAssertEqual(o["key10"], nil)
        o["\u{E9}"] = 1
        o["e\u{301}"] = 2
        XCTAssertEqual(o["e\u{301}"], 2)
        var big = JSONObject()
        for i in 0..<40 { big["k\(i)"] = .int(Int64(i)) }
        var shuffled = JSONObject()
        for i in (0..<40).reversed() { shuffled["k\(i)"] = .int(Int64(i)) }
        XCTAssertEqual(big, shuffled)
    }
}
