import Foundation

/// A bounded queue between two threads of `replay`'s pipeline: `put` waits while it is full,
/// `take` waits while it is empty, so that a fast stage cannot run far ahead of a slow one and
/// fill memory with work in waiting.
///
/// `@unchecked Sendable`: every access to `items` and `closed` holds `condition`'s lock.
final class HandOff<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// A ring of `capacity` slots; `count` items wait from `head` on.
    private var slots: [Item?]
    private var head = 0
    private var count = 0
    private var closed = false

    init(capacity: Int) {
        precondition(capacity > 0)
        slots = Array(repeating: nil, count: capacity)
    }

    /// Adds an item, waiting while every slot is taken.
    func put(_ item: Item) {
        condition.lock()
        defer { condition.unlock() }
        while count == slots.count { condition.wait() }
        slots[(head + count) % slots.count] = item
        count += 1
        condition.broadcast()
    }

    /// The oldest item, waiting while there is none; nil once the queue is closed and empty.
    /// The queue keeps no reference to it, so the taker decides where it is freed.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0, !closed { condition.wait() }
        guard count > 0 else { return nil }
        let item = slots[head].take()
        head = (head + 1) % slots.count
        count -= 1
        condition.broadcast()
        return item
    }

    /// No more items will be put; `take` returns nil once the waiting ones are taken.
    func close() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
    }
}
