/// A client's episodes by id: a small array searched linearly, because a client has one or
/// two episodes and a dictionary per client cost about 300 bytes of 100,000 clients' memory.
public struct EpisodeMap: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    struct Entry: Hashable, Sendable {
        var name: String
        var state: EpisodeState
    }

    private var entries: [Entry] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, EpisodeState)...) {
        for (name, state) in elements { self[name] = state }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    private func position(of name: String) -> Int? { entries.firstIndex { $0.name == name } }

    public subscript(name: String) -> EpisodeState? {
        get { position(of: name).map { entries[$0].state } }
        set {
            switch (position(of: name), newValue) {
            case let (index?, state?): entries[index].state = state
            case let (nil, state?): entries.append(Entry(name: name, state: state))
            case let (index?, nil): entries.remove(at: index)
            case (nil, nil): break
            }
        }
    }

    /// The episode, created empty when absent, for mutation in place.
    public subscript(name: String, default defaultValue: @autoclosure () -> EpisodeState) -> EpisodeState {
        get { self[name] ?? defaultValue() }
        _modify {
            let index: Int
            if let found = position(of: name) {
                index = found
            } else {
                entries.append(Entry(name: name, state: defaultValue()))
                index = entries.count - 1
            }
            yield &entries[index].state
        }
    }

    public func makeIterator() -> AnyIterator<(key: String, value: EpisodeState)> {
        var iterator = entries.makeIterator()
        return AnyIterator { iterator.next().map { (key: $0.name, value: $0.state) } }
    }
}

extension EpisodeMap: Codable {
    public init(from decoder: any Decoder) throws {
        for (name, state) in try [String: EpisodeState](from: decoder) { self[name] = state }
    }

    public func encode(to encoder: any Encoder) throws {
        try Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.state) }).encode(to: encoder)
    }
}
