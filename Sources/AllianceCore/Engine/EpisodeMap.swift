/// A client's episodes by id: a small array searched linearly, because a client has one or
/// two episodes and a dictionary per client cost about 300 bytes of 100,000 clients' memory.
public struct EpisodeMap: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    struct Entry: Hashable, Sendable {
        var name: String
        var state: EpisodeState
    }

    /// The first episode, held inline: most clients have one, and reaching it then takes no
    /// second memory access (and no array of its own).
    private var first: Entry?
    /// Any later episodes, in the order they appeared.
    private var others: [Entry] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, EpisodeState)...) {
        for (name, state) in elements { self[name] = state }
    }

    public var count: Int { (first == nil ? 0 : 1) + others.count }
    public var isEmpty: Bool { first == nil }

    /// -1 for the first episode, an index into `others`, or nil.
    private func position(of name: String) -> Int? {
        guard let firstName = first?.name else { return nil }
        if firstName == name { return -1 }
        return others.firstIndex { $0.name == name }
    }

    public subscript(name: String) -> EpisodeState? {
        get {
            switch position(of: name) {
            case nil: return nil
            case .some(-1): return first?.state
            case let index?: return others[index].state
            }
        }
        set {
            switch (position(of: name), newValue) {
            case let (.some(-1), state?): first!.state = state
            case let (index?, state?): others[index].state = state
            case let (nil, state?): append(Entry(name: name, state: state))
            case (.some(-1), nil): first = others.isEmpty ? nil : others.removeFirst()
            case let (index?, nil): others.remove(at: index)
            case (nil, nil): break
            }
        }
    }

    /// The episode, created empty when absent, for mutation in place.
    public subscript(name: String, default defaultValue: @autoclosure () -> EpisodeState) -> EpisodeState {
        get { self[name] ?? defaultValue() }
        _modify {
            var index = position(of: name)
            if index == nil {
                append(Entry(name: name, state: defaultValue()))
                index = others.isEmpty ? -1 : others.count - 1
            }
            if index == -1 {
                yield &first!.state
            } else {
                yield &others[index!].state
            }
        }
    }

    private mutating func append(_ entry: Entry) {
        if first == nil { first = entry } else { others.append(entry) }
    }

    public func makeIterator() -> AnyIterator<(key: String, value: EpisodeState)> {
        var pendingFirst = first
        var iterator = others.makeIterator()
        return AnyIterator {
            if let entry = pendingFirst {
                pendingFirst = nil
                return (key: entry.name, value: entry.state)
            }
            return iterator.next().map { (key: $0.name, value: $0.state) }
        }
    }
}

extension EpisodeMap: Codable {
    public init(from decoder: any Decoder) throws {
        for (name, state) in try [String: EpisodeState](from: decoder) { self[name] = state }
    }

    public func encode(to encoder: any Encoder) throws {
        try Dictionary(uniqueKeysWithValues: map { ($0.key, $0.value) }).encode(to: encoder)
    }
}
