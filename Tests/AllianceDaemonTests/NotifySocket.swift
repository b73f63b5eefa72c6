import Foundation

/// The service manager's end of `sd_notify`: a datagram socket the test binds and passes to
/// the daemon as `NOTIFY_SOCKET`, keeping every message in the order received.
final class NotifySocket {
    let path: String
    private let descriptor: Int32
    private(set) var messages: [String] = []

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw HarnessError("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw HarnessError("bind \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    /// Reads whatever has arrived; returns the new messages (also kept in `messages`).
    @discardableResult
    func receive() -> [String] {
        var new: [String] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count <= 0 { break }
            new.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        messages += new
        return new
    }

    /// The `KEY=value` assignments of one message.
    static func assignments(_ message: String) -> [String] {
        message.split(separator: "\n").map(String.init)
    }

    /// The index of the first message received so far that has `assignment` (`READY=1`).
    func firstIndex(of assignment: String) -> Int? {
        receive()
        return messages.firstIndex { Self.assignments($0).contains(assignment) }
    }
}
