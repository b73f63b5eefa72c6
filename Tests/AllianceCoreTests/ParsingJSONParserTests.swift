import Testing
@testable import AllianceCore

@Suite struct ParsingJSONParserTests {
    /// Parses `text`; returns the nodes, or the syntax error's problem.
    private func parse(_ text: String) -> Result<[JSONNode], JSONSyntaxError> {
        var parser = JSONParser()
        let bytes = Array(text.utf8)
        do throws(JSONSyntaxError) {
            try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try parser.parse(buffer) }
            return .success(parser.nodes)
        } catch {
            return .failure(error)
        }
    }

    private func number(_ text: String) -> JSONNode? {
        if case .success(let nodes) = parse(text), nodes.count == 1, nodes[0].kind == .number { return nodes[0] }
        return nil
    }

    @Test(arguments: [
        "0", "-0", "9", "9.1", "0.1", "0.30000000000000004", "123456789012345678901234567890", "1.7976931348623157e308",
        "4.9e-324", "2.2250738585072014e-308", "9007199254740993", "9007199254740992", "1e22", "1e23", "123.456e-10",
        "1E+2", "1e-2", "0.000001", "100000000000000000000000", "3.141592653589793238462643383279", "5e-400",
        "0.1000000000000000055511151231257827021181583404541015625", "17976931348623157e292", "-2.5E-3",
    ])
    func numbersRoundCorrectly(literal: String) throws {
        let node = try #require(number(literal))
        let expected = try #require(Double(literal))
        #expect(node.number.bitPattern == expected.bitPattern, "\(literal): \(node.number) vs \(expected)")
        #expect(!node.flags.contains(.isTooLarge))
        let isInteger = !literal.contains(".") && !literal.lowercased().contains("e")
        #expect(node.flags.contains(.isInteger) == isInteger)
    }

    @Test(arguments: ["1e400", "-1e400", "1.8e308", "1" + String(repeating: "0", count: 400)])
    func numbersBeyondADoubleAreFlagged(literal: String) throws {
        let node = try #require(number(literal))
        #expect(node.flags.contains(.isTooLarge))
        #expect(node.number.isInfinite)
    }

    @Test func tapeLayout() throws {
        let nodes = try parse(#" {"a": [1, {"b": null}], "c": "d\n", "e": true} "#).get()
        #expect(nodes.map(\.kind) == [.object, .string, .array, .number, .object, .string, .null, .string, .string, .string, .bool])
        #expect(nodes[0].count == 3)
        #expect(nodes[0].next == 11)
        #expect(nodes[2].count == 2)
        #expect(nodes[2].next == 7)
        #expect(nodes[4].next == 7)
        #expect(nodes[8].flags.contains(.hasEscapes))
        #expect(nodes[10].flags.contains(.isTrue))
        #expect(nodes[0].start == 1)
        #expect(nodes[0].end == 47)
    }

    @Test(arguments: [
        "{}", "[]", "[[]]", #"{"":""}"#, #""\u0000""#, #""\/\b\f\n\r\t\"\\""#, #""\uD83D\uDE00""#, "\"é€😀\"",
        " \t\r\n1\n", "-0.0e-0", "[1,2,3]", #"{"a":{"a":{"a":1}}}"#, "true", "false", "null",
    ])
    func validTexts(text: String) {
        if case .failure(let error) = parse(text) { Issue.record("\(text): \(error.problem)") }
    }

    @Test func deepNestingUpToTheLimitIsFine() {
        let depth = JSONParser.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        if case .failure(let error) = parse(text) { Issue.record("\(error.problem)") }
        guard case .failure(let error) = parse("[" + text + "]") else {
            Issue.record("expected a nesting error")
            return
        }
        #expect(error == JSONSyntaxError(offset: depth, problem: "nesting deeper than 512 levels"))
    }

    @Test func largeObjectsStillFindDuplicateKeys() {
        let members = (0..<5000).map { #""k\#($0)": \#($0)"# }
        if case .failure(let error) = parse("{" + members.joined(separator: ",") + "}") { Issue.record("\(error.problem)") }
        guard case .failure(let error) = parse("{" + members.joined(separator: ",") + #", "k\u0034999": 0}"#) else {
            Issue.record("expected a duplicate key")
            return
        }
        #expect(error.problem == "duplicate key 'k4999'")
    }

    /// Duplicate keys are found whichever way the comparison is skipped or taken: same length
    /// and end bytes, escapes before or after the plain spelling, past 32 keys, nested.
    @Test(arguments: [
        (#"{"ab": 1, "ba": 2, "ab": 3}"#, "ab"),
        (#"{"a": 1, "": 2, "": 3}"#, ""),
        (#"{"x-a": 1, "x-\u0061": 2}"#, "x-a"),
        (#"{"x-\u0061": 1, "x-a": 2}"#, "x-a"),
        (#"{"x-\u0061": 1, "b": 2, "x-a": 3}"#, "x-a"),
        (#"{"s": {"g": 1, "o": 2, "g": 3}}"#, "g"),
    ])
    func duplicateKeysAreFound(text: String, key: String) {
        guard case .failure(let error) = parse(text) else {
            Issue.record("expected a duplicate key in \(text)")
            return
        }
        #expect(error.problem == "duplicate key '\(key)'")
    }

    @Test func keysThatShareLengthAndEndsAreNotDuplicates() {
        let members = ["ab", "ba", "aXb", "aYb", "a", "", "x-1a", "x-2a"].enumerated().map { #""\#($1)": \#($0)"# }
        if case .failure(let error) = parse("{" + members.joined(separator: ", ") + "}") { Issue.record("\(error.problem)") }
        // Past 32 keys the set takes over, and still knows the keys seen before it.
        let many = (0..<40).map { #""k\#($0)": \#($0)"# }
        guard case .failure(let error) = parse("{" + many.joined(separator: ",") + #", "k5": 0}"#) else {
            Issue.record("expected a duplicate key")
            return
        }
        #expect(error.problem == "duplicate key 'k5'")
    }

    @Test func decodedStrings() {
        let raw = Array(#"a\"b\\c\/d\be\ff\ng\rh\ti\u00e9\u20AC\uD83D\uDE00"#.utf8)
        let decoded = raw.withUnsafeBufferPointer { JSONTape.decodeEscapes($0) }
        #expect(String(decoding: decoded, as: UTF8.self) == "a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti\u{E9}\u{20AC}\u{1F600}")
    }

    @Test func errorPositionsInDocuments() {
        let text = Array("[\n  {\"a\": 1},\n  {\"a\": x}\n]".utf8)
        let error = JSONSyntaxError(offset: 22, problem: "p")
        text.withUnsafeBufferPointer { buffer in
            #expect(error.position(in: buffer) == (line: 3, column: 9))
            #expect(error.message(in: buffer) == "p at line 3, column 9")
        }
    }

    /// Elements of a top-level array, one tape each: (kinds, first offset), or the error.
    private func elements(_ text: String) -> Result<(isArray: Bool, elements: [[JSONNode.Kind]], starts: [Int]), JSONSyntaxError> {
        var parser = JSONParser()
        let bytes = Array(text.utf8)
        var kinds: [[JSONNode.Kind]] = []
        var starts: [Int] = []
        do throws(JSONSyntaxError) {
            let isArray = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
                try parser.parseArrayElements(buffer) { element in
                    kinds.append(element.nodes.map(\.kind))
                    starts.append(element.nodes[0].start)
                }
            }
            return .success((isArray, kinds, starts))
        } catch {
            return .failure(error)
        }
    }

    @Test func arrayElementsArriveOneAtATime() throws {
        let result = try elements(#" [ {"a": [1]}, 2 ,"x", [[]] ] "#).get()
        #expect(result.isArray)
        #expect(result.elements == [[.object, .string, .array, .number], [.number], [.string], [.array, .array]])
        #expect(result.starts == [3, 15, 18, 23])
        let object = try elements(#"{"a": 1}"#).get()
        #expect(!object.isArray)
        #expect(object.elements.isEmpty)
        #expect(try elements("[]").get().elements.isEmpty)
    }

    @Test(arguments: [
        ("[1,]", JSONSyntaxError(offset: 3, problem: "trailing comma before ']'")),
        ("[1 2]", JSONSyntaxError(offset: 3, problem: "expected ',' or ']', got '2'")),
        ("[1, {\"a\": 1, \"a\": 2}]", JSONSyntaxError(offset: 13, problem: "duplicate key 'a'")),
        ("[1] [", JSONSyntaxError(offset: 4, problem: "unexpected '[' after the JSON value")),
        ("[1", JSONSyntaxError(offset: 2, problem: "unexpected end of the JSON text")),
        ("", JSONSyntaxError(offset: 0, problem: "the text is empty")),
    ])
    func arrayElementErrors(text: String, error: JSONSyntaxError) {
        guard case .failure(let found) = elements(text) else {
            Issue.record("expected an error")
            return
        }
        #expect(found == error)
    }
}
