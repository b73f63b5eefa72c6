import AllianceCore
import Foundation

/// The JSON forms of what the store keeps as text: clinician states and alert fields (client
/// states use `ClientStateCodec`).
///
/// Coders are made per transaction or per call (they are not `Sendable`). Non-finite doubles are
/// spelled as strings so that an unexpected NaN in engine state is stored and read back, not a
/// reason for the whole batch to fail.
enum StoredJSON {
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+Infinity", negativeInfinity: "-Infinity", nan: "NaN"
        )
        return encoder
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+Infinity", negativeInfinity: "-Infinity", nan: "NaN"
        )
        return decoder
    }

    static func text<T: Encodable>(_ value: T, encoder: JSONEncoder) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func value<T: Decodable>(_ type: T.Type, from text: String, decoder: JSONDecoder) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    /// `[["ALLIANCE_CLIENT","C-1"],…]`: the journal fields in order.
    static func fieldsText(_ fields: [JournalField], encoder: JSONEncoder) throws -> String {
        try text(fields.map { [$0.name, $0.value] }, encoder: encoder)
    }

    static func fields(from text: String, decoder: JSONDecoder) throws -> [JournalField] {
        try value([[String]].self, from: text, decoder: decoder).map { pair in
            guard pair.count == 2 else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a field is not a [name, value] pair"))
            }
            return JournalField(pair[0], pair[1])
        }
    }
}
