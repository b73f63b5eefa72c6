import Dispatch
import Glibc

/// Something that happened in `incoming/`.
public enum SpoolEvent: Hashable, Sendable {
    /// A file (or other entry) to ingest, by name. It may be gone by the time it is handled,
    /// and the same name may arrive twice (a backlog file, a file closed twice).
    case arrived(String)
    /// The kernel's event queue overflowed (`IN_Q_OVERFLOW`): events were lost, so ingest
    /// `backlog()` again.
    case rescanNeeded
    /// `incoming/` was removed or moved away and is no longer watched. Nothing more will arrive;
    /// recreate the folders and a new watcher, or stop.
    case watchLost
}

/// Watches `incoming/` with inotify (SPEC §2): files renamed in (`IN_MOVED_TO`) or closed after
/// writing (`IN_CLOSE_WRITE`). Names beginning with `.` are ignored.
///
/// Entries that are created complete without a close-after-write are reported too, so that
/// they are rejected or ingested rather than left behind: symbolic links, FIFOs, devices,
/// sockets, directories (`IN_CREATE` of a non-regular entry), and hard links (`IN_CREATE` of a
/// regular file with more than one link, best effort: the other name may be gone already).
///
/// Waiting costs nothing while idle: the waiting thread sleeps in `poll(2)` on the inotify
/// descriptor and a wake-up pipe, with no timeout unless the caller asks for one.
/// One waiter at a time: `waitForEvents` and `nextEvents` must not run concurrently.
public final class SpoolWatcher: Sendable {
    /// The watched folder, `incoming/`.
    public let directory: String
    private let inotifyDescriptor: Int32
    private let wakeReadDescriptor: Int32
    private let wakeWriteDescriptor: Int32
    /// Runs the blocking wait for `nextEvents`, off the Swift concurrency pool.
    private let waitQueue = DispatchQueue(label: "alliance-watch.spool-watcher")

    static let mask = UInt32(IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_ONLYDIR)

    /// Starts watching `directory`. Start the watch before reading `backlog()`, so that no file
    /// slips between the two.
    public init(directory: String) throws(SystemCallError) {
        self.directory = directory
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { throw SystemCallError.last("create an inotify instance") }
        guard inotify_add_watch(inotify, directory, Self.mask) >= 0 else {
            let error = SystemCallError.last("watch '\(directory)'")
            close(inotify)
            throw error
        }
        var pipeDescriptors: [Int32] = [-1, -1]
        guard pipe(&pipeDescriptors) == 0 else {
            let error = SystemCallError.last("create a pipe")
            close(inotify)
            throw error
        }
        for descriptor in pipeDescriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        inotifyDescriptor = inotify
        wakeReadDescriptor = pipeDescriptors[0]
        wakeWriteDescriptor = pipeDescriptors[1]
    }

    deinit {
        close(inotifyDescriptor)
        close(wakeReadDescriptor)
        close(wakeWriteDescriptor)
    }

    /// Blocks until something arrives, `timeout` passes (nil: no timeout) or `wake()` is called.
    /// Returns the events in order, without repeats; an empty array after a timeout or a wake.
    /// Events for ignored names do not end the wait.
    public func waitForEvents(timeout: Duration?) -> [SpoolEvent] {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while true {
            var descriptors = [
                pollfd(fd: inotifyDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeReadDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let result = poll(&descriptors, 2, Self.milliseconds(until: deadline, clock: clock))
            if result < 0 {
                if errno == EINTR { continue }
                // poll on two valid descriptors only fails for lack of memory; say "look again".
                return [.rescanNeeded]
            }
            if descriptors[1].revents != 0 {
                drainWakePipe()
                return readEvents()
            }
            if descriptors[0].revents != 0 {
                let events = readEvents()
                if !events.isEmpty { return events }
            }
            if let deadline, clock.now >= deadline { return [] }
        }
    }

    /// `waitForEvents` for async code: the wait runs on a dedicated queue, not on a thread of
    /// the Swift concurrency pool. Cancelling the task wakes it.
    public func nextEvents(timeout: Duration?) async -> [SpoolEvent] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waitQueue.async {
                    continuation.resume(returning: self.waitForEvents(timeout: timeout))
                }
            }
        } onCancel: {
            wake()
        }
    }

    /// Makes the current or the next wait return at once, from any thread (graceful shutdown).
    public func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up; nothing is lost when this write fails.
        _ = write(wakeWriteDescriptor, &byte, 1)
    }

    /// The names in `incoming/`, oldest modification time first, ties by name (bytewise);
    /// names beginning with `.` left out. Entries of every type are listed, so that links,
    /// FIFOs and folders are rejected instead of lingering.
    public func backlog() throws(SystemCallError) -> [String] {
        guard let stream = opendir(directory) else { throw SystemCallError.last("open '\(directory)'") }
        defer { closedir(stream) }
        let descriptor = dirfd(stream)
        var entries: [(seconds: Int, nanoseconds: Int, name: String)] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemCallError.last("read '\(directory)'") }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            var status = stat()
            // Gone since readdir: it was handled or moved away; nothing to ingest.
            guard fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            entries.append((status.st_mtim.tv_sec, status.st_mtim.tv_nsec, name))
        }
        entries.sort { a, b in
            if a.seconds != b.seconds { return a.seconds < b.seconds }
            if a.nanoseconds != b.nanoseconds { return a.nanoseconds < b.nanoseconds }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        return entries.map(\.name)
    }

    // MARK: - Reading events

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeReadDescriptor, &buffer, buffer.count) > 0 {}
    }

    /// Everything queued on the inotify descriptor now, decoded and filtered.
    private func readEvents() -> [SpoolEvent] {
        var events: [SpoolEvent] = []
        var seen: Set<SpoolEvent> = []
        func add(_ event: SpoolEvent) {
            if seen.insert(event).inserted { events.append(event) }
        }
        // Room for at least one event with the longest name; more per read is cheaper.
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: MemoryLayout<inotify_event>.alignment)
        defer { buffer.deallocate() }
        while true {
            let count = read(inotifyDescriptor, buffer.baseAddress, capacity)
            if count < 0 {
                if errno == EINTR { continue }
                break  // EAGAIN: drained
            }
            if count == 0 { break }
            var offset = 0
            let headerSize = MemoryLayout<inotify_event>.size
            while offset + headerSize <= count {
                let event = buffer.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                let nameStart = offset + headerSize
                let nameEnd = min(nameStart + Int(event.len), count)
                let name = String(decoding: buffer[nameStart..<nameEnd].prefix { $0 != 0 }, as: UTF8.self)
                offset = nameEnd
                if let decoded = decode(mask: event.mask, name: name) { add(decoded) }
            }
        }
        return events
    }

    private func decode(mask: UInt32, name: String) -> SpoolEvent? {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 { return .rescanNeeded }
        if mask & UInt32(IN_IGNORED) != 0 { return .watchLost }
        guard !name.isEmpty, !name.hasPrefix(".") else { return nil }
        if mask & UInt32(IN_CREATE) != 0 && !isCompleteOnCreation(name) { return nil }
        return .arrived(name)
    }

    /// Whether an entry just created is already complete: anything but a regular file being
    /// written, whose `IN_CLOSE_WRITE` will follow.
    private func isCompleteOnCreation(_ name: String) -> Bool {
        var status = stat()
        guard fstatat(AT_FDCWD, directory + "/" + name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
        return (status.st_mode & S_IFMT) != S_IFREG || status.st_nlink > 1
    }

    /// `poll` timeout for a deadline: -1 for none, else milliseconds rounded up.
    private static func milliseconds(until deadline: ContinuousClock.Instant?, clock: ContinuousClock) -> Int32 {
        guard let deadline else { return -1 }
        let remaining = clock.now.duration(to: deadline)
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1_000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
