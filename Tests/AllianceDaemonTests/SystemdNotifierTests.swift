import Foundation
import Testing
@testable import AllianceDaemon

// sd_notify and sd_watchdog_enabled read NOTIFY_SOCKET and WATCHDOG_USEC from the
// environment. Rather than change this process's environment while other tests run, the
// parent plays the service manager: it listens on a datagram socket and runs the test binary
// again with the variables set.

@Test(.timeLimit(.minutes(1)))
func systemdNotifierTalksToTheServiceManagerSocket() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.file("notify")
    let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    try #require(bound == 0)

    let report = try ChildMode.notify.run(
        testName: "childNotifies", environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "3000000"], scratch: scratch.path)
    #expect(report == ["sent", "sent", "sent", "sent", "watchdog=3.0 seconds", "notSupervised", "watchdog=nil"])

    var messages: [String] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if count <= 0 { break }
        messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
    }
    try #require(messages.count == 4, "\(messages)")
    #expect(messages[0] == "READY=1\nSTATUS=Watching '/s': 3 files ingested")
    #expect(messages[1] == "WATCHDOG=1")
    let reloading = messages[2].split(separator: "\n")
    #expect(reloading.first == "RELOADING=1")
    #expect(reloading.count == 2 && reloading[1].hasPrefix("MONOTONIC_USEC=") && UInt64(reloading[1].dropFirst(15)) != nil)
    #expect(messages[3] == "STOPPING=1\nSTATUS=Stopping")
}

@Test(.enabled(if: ChildMode.current == .notify))
func childNotifies() throws {
    let notifier = SystemdNotifier()
    var report = [
        notifier.notify(.ready, .status("Watching '/s':\n3 files ingested")),
        notifier.notify(.watchdog),
        notifier.notify(.reloading),
        notifier.notify(.stopping, .status("Stopping")),
    ].map { String(describing: $0) }
    report.append("watchdog=\(notifier.watchdogInterval.map { String(describing: $0) } ?? "nil")")
    // Only this test runs in the child, so changing its environment is safe here.
    unsetenv("NOTIFY_SOCKET")
    unsetenv("WATCHDOG_USEC")
    report.append(String(describing: notifier.notify(.ready)))
    report.append("watchdog=\(notifier.watchdogInterval.map { String(describing: $0) } ?? "nil")")
    try ChildMode.writeReport(report)
}

@Test func recordingNotifierKeepsMessagesInOrder() {
    let notifier = RecordingNotifier(watchdogInterval: .seconds(10))
    notifier.notify(.ready, .status("up"))
    notifier.notify(.watchdog)
    #expect(notifier.messages == [[.ready, .status("up")], [.watchdog]])
    #expect(notifier.notifications == [.ready, .status("up"), .watchdog])
    #expect(notifier.watchdogInterval == .seconds(10))
}
