import Testing
@testable import AllianceConfig

private func line(of path: String, in text: String) -> Int? {
    let keys = path.split(separator: ".").map(String.init)
    return KeyPositionIndex(text: text).position(of: ConfigKeyPath(keys: keys))?.line
}

@Test func keysInsideStringsAreNotKeys() {
    let text = """
        [spool]
        directory = '''
        [lapse]
        days = 1
        '''
        note = "[lapse] days = 2 # not a comment"
        [lapse]
        days = 3
        """
    #expect(line(of: "lapse.days", in: text) == 8)
    #expect(line(of: "lapse", in: text) == 7)
    #expect(line(of: "spool.note", in: text) == 6)
}

@Test func multilineBasicStringsWithEscapesAndTrailingQuotesEnd() {
    let text = """
        a = \"\"\"one \\\"\"\" still inside
        two\"\"\"\"\"
        b = 1
        """
    #expect(line(of: "b", in: text) == 3)
}

@Test func quotedAndDottedKeysMatchTheirDecodedNames() {
    let text = """
        [ "instruments" . 'srs' ]
        "cut\\u006Ffff" = 1
        a . "b.c" = 2
        """
    #expect(line(of: "instruments.srs", in: text) == 1)
    #expect(line(of: "instruments.srs.cutofff", in: text) == 2)
    #expect(KeyPositionIndex(text: text).position(of: ConfigKeyPath(keys: ["instruments", "srs", "a", "b.c"]))?.line == 3)
}

@Test func arrayElementsAndInlineTablesHaveTheirOwnLines() {
    let text = """
        list = [
          "a", # comment, with a comma
          [1, 2],
          { k = "v" },
        ]
        """
    let index = KeyPositionIndex(text: text)
    let list = ConfigKeyPath(keys: ["list"])
    #expect(index.position(of: list.appending(index: 0))?.line == 2)
    #expect(index.position(of: list.appending(index: 1))?.line == 3)
    #expect(index.position(of: list.appending(index: 2).appending("k"))?.line == 4)
    // An index the file does not have falls back to its list.
    #expect(index.position(of: list.appending(index: 9))?.line == 1)
}

@Test func anUnterminatedConstructNeverHangsOrTraps() {
    for text in ["a = [", "a = {", "a = \"\"\"", "a = '''", "[", "[[", "\"", "a = \"\\", "= = =", "\u{FEFF}"] {
        _ = KeyPositionIndex(text: text)
    }
}

@Test func keyPathsShowBareKeysPlainAndOthersQuoted() {
    let path = ConfigKeyPath(keys: ["spool", "max bytes", "a\"b"]).appending(index: 2)
    #expect(path.description == "spool.\"max bytes\".\"a\\\"b\"[2]")
}
