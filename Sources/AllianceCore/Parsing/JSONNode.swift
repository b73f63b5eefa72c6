/// One value of a parsed JSON text, stored flat in document order.
///
/// A container is followed by its whole subtree; an object's children alternate key, value.
/// `next` is the index just past a node's subtree, so the validator steps from one member to
/// the next without recursion and the parser needs one growing array, not one allocation per
/// value.
struct JSONNode {
    enum Kind: UInt8 {
        case null, bool, number, string, array, object
    }

    struct Flags: OptionSet {
        let rawValue: UInt8
        /// A `true` literal.
        static let isTrue = Flags(rawValue: 1 << 0)
        /// A number literal without fraction or exponent.
        static let isInteger = Flags(rawValue: 1 << 1)
        /// A string (or key) that contains `\` escapes and must be decoded before use.
        static let hasEscapes = Flags(rawValue: 1 << 2)
        /// A number literal beyond the range of a double (it reads as ±infinity).
        static let isTooLarge = Flags(rawValue: 1 << 3)
    }

    var kind: Kind
    var flags: Flags
    /// First byte of the value's text (the opening quote or bracket for strings and containers).
    var start: Int
    /// One past the value's last byte.
    var end: Int
    /// Index of the first node after this one's subtree.
    var next: Int
    /// Elements of an array, members of an object; 0 otherwise.
    var count: Int
    /// The value of a number literal.
    var number: Double

    init(kind: Kind, flags: Flags = [], start: Int, end: Int, next: Int, count: Int = 0, number: Double = 0) {
        self.kind = kind
        self.flags = flags
        self.start = start
        self.end = end
        self.next = next
        self.count = count
        self.number = number
    }
}
