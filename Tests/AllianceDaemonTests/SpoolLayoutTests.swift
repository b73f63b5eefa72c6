import Testing
@testable import AllianceDaemon

@Test func spoolLayoutNamesTheFourFolders() {
    let layout = SpoolLayout(root: "/s")
    #expect(layout.all == ["/s/tmp", "/s/incoming", "/s/processed", "/s/rejected"])
}
