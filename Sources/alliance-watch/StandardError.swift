import Foundation

/// Writes one line to standard error (diagnostics never go to standard output).
func writeToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
