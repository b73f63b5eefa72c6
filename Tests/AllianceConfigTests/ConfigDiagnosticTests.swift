import Testing
@testable import AllianceConfig

@Test func diagnosticFormatsAsFileLineKeyMessage() {
    let diagnostic = ConfigDiagnostic(file: "a.toml", line: 4, keyPath: "rupture.z", message: "must be below 0")
    #expect(diagnostic.description == "a.toml:4: rupture.z: must be below 0")
}
