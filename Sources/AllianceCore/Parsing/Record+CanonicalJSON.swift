extension SessionRecord {
    /// The record as one JSON text with a single spelling for equal values: defaults filled in,
    /// `x-` keys gone, keys in a fixed order, numbers by value, strings as written (the date as
    /// `dateText`), lists in order. Two records are identical duplicates when these texts are
    /// equal (SPEC §3.1 Duplicates); a CSV row gives the same text as its JSON form.
    public var canonicalJSON: String {
        CanonicalJSONWriter.text(bound: { canonicalJSONBound }, { writeCanonicalJSON(to: &$0) })
    }

    /// ``canonicalJSON`` written through `scratch` storage that the caller reuses.
    func canonicalJSON(scratch: UnsafeMutableBufferPointer<UInt8>) -> String {
        CanonicalJSONWriter.text(scratch: scratch, bound: { canonicalJSONBound }, { writeCanonicalJSON(to: &$0) })
    }

    /// The fingerprint of ``canonicalJSON`` and, when `keepText`, the text.
    func canonicalForm(scratch: UnsafeMutableBufferPointer<UInt8>, keepText: Bool) -> (text: String, fingerprint: RecordFingerprint) {
        CanonicalJSONWriter.form(scratch: scratch, keepText: keepText, bound: { canonicalJSONBound }, { writeCanonicalJSON(to: &$0) })
    }

    /// At least the length of ``canonicalJSON``, for any values: 800 bytes cover every key and
    /// punctuation mark (450) and the 13 single numbers (26 each); WAI-SR items take 27 each,
    /// and strings are counted as if every byte needed a `\u` escape.
    private var canonicalJSONBound: Int {
        var strings = id.utf8.count + client.utf8.count + (clinician?.utf8.count ?? 0) + episode.utf8.count + dateText.utf8.count
        var lists = markers.count
        for marker in markers { strings += marker.utf8.count }
        if let diagnoses = profile?.diagnoses {
            lists += diagnoses.count
            for code in diagnoses { strings += code.utf8.count }
        }
        let items = (waiSR?.items.count ?? 0) * (CanonicalJSONWriter.maxNumberLength + 1)
        return 800 + items + CanonicalJSONWriter.maxLength(ofString: strings) + 3 * lists
    }

    /// Constant runs of keys and punctuation are written as one fragment each.
    private func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
        writer.fragment(#"{"schema":1,"type":"session","id":"#)
        writer.string(id)
        writer.fragment(#","client":"#)
        writer.string(client)
        if let clinician {
            writer.fragment(#","clinician":"#)
            writer.string(clinician)
        }
        writer.fragment(#","episode":"#)
        writer.string(episode)
        writer.fragment(#","session":"#)
        writer.integer(session)
        writer.fragment(#","date":"#)
        writer.string(dateText)
        writer.fragment(#","attendance":"#)
        writer.string(attendance.rawValue)
        if let srs {
            writer.fragment(#","srs":{"relationship":"#)
            writer.number(srs.relationship)
            writer.fragment(#","goals":"#)
            writer.number(srs.goals)
            writer.fragment(#","approach":"#)
            writer.number(srs.approach)
            writer.fragment(#","overall":"#)
            writer.number(srs.overall)
            writer.endObject()
        }
        if let waiSR {
            writer.fragment(#","wai_sr":"#)
            writer.beginArray()
            for item in waiSR.items { writer.integer(item) }
            writer.endArray()
        }
        if let psq {
            writer.fragment(#","psq":{"tension":"#)
            writer.boolean(psq.tension)
            if let intensity = psq.intensity {
                writer.fragment(#","intensity":"#)
                writer.integer(intensity)
            }
            if let resolution = psq.resolution {
                writer.fragment(#","resolution":"#)
                writer.integer(resolution)
            }
            writer.endObject()
        }
        if let ors {
            writer.fragment(#","ors":{"individually":"#)
            writer.number(ors.individually)
            writer.fragment(#","interpersonally":"#)
            writer.number(ors.interpersonally)
            writer.fragment(#","socially":"#)
            writer.number(ors.socially)
            writer.fragment(#","overall":"#)
            writer.number(ors.overall)
            writer.endObject()
        }
        writer.fragment(#","markers":"#)
        writer.beginArray()
        for marker in markers { writer.string(marker) }
        writer.endArray()
        writer.fragment(#","episode_end":"#)
        writer.boolean(episodeEnd)
        if let profile {
            writer.fragment(#","profile":"#)
            profile.writeCanonicalJSON(to: &writer)
        }
        writer.endObject()
    }
}

extension ProfileRecord {
    /// The profile record in the canonical form of ``SessionRecord/canonicalJSON``:
    /// `{"schema":1,"type":"profile","id":…,"client":…, <the keys it carries>}`.
    public var canonicalJSON: String {
        CanonicalJSONWriter.text(bound: { canonicalJSONBound }, { writeCanonicalJSON(to: &$0) })
    }

    /// ``canonicalJSON`` written through `scratch` storage that the caller reuses.
    func canonicalJSON(scratch: UnsafeMutableBufferPointer<UInt8>) -> String {
        CanonicalJSONWriter.text(scratch: scratch, bound: { canonicalJSONBound }, { writeCanonicalJSON(to: &$0) })
    }

    /// The fingerprint of ``canonicalJSON`` and, when `keepText`, the text.
    func canonicalForm(scratch: UnsafeMutableBufferPointer<UInt8>, keepText: Bool) -> (text: String, fingerprint: RecordFingerprint) {
        CanonicalJSONWriter.form(scratch: scratch, keepText: keepText, bound: { canonicalJSONBound }, { writeCanonicalJSON(to: &$0) })
    }

    /// At least the length of ``canonicalJSON``: keys, punctuation and two numbers take under
    /// 400 bytes; strings are counted as if every byte needed a `\u` escape.
    private var canonicalJSONBound: Int {
        var strings = id.utf8.count + client.utf8.count
        var lists = 0
        for code in update.diagnoses ?? [] {
            strings += code.utf8.count
            lists += 1
        }
        return 400 + CanonicalJSONWriter.maxLength(ofString: strings) + 3 * lists
    }

    private func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
        writer.beginObject()
        writer.key("schema")
        writer.integer(1)
        writer.key("type")
        writer.string("profile")
        writer.key("id")
        writer.string(id)
        writer.key("client")
        writer.string(client)
        update.writeMembers(to: &writer)
        writer.endObject()
    }
}

extension Record {
    /// ``SessionRecord/canonicalJSON`` or ``ProfileRecord/canonicalJSON``.
    public var canonicalJSON: String {
        switch self {
        case .session(let record): return record.canonicalJSON
        case .profile(let record): return record.canonicalJSON
        }
    }
}

extension ProfileUpdate {
    func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
        writer.beginObject()
        writeMembers(to: &writer)
        writer.endObject()
    }

    /// The keys this update carries; absent keys stay absent (they replace nothing).
    func writeMembers(to writer: inout CanonicalJSONWriter) {
        if let substanceUse {
            writer.key("substance_use")
            writer.boolean(substanceUse)
        }
        if let diagnoses {
            writer.key("diagnoses")
            writer.beginArray()
            for code in diagnoses { writer.string(code) }
            writer.endArray()
        }
        if let motivation {
            writer.key("motivation")
            writer.beginObject()
            if let ruler = motivation.ruler {
                writer.key("ruler")
                writer.number(ruler)
            }
            if let urica = motivation.urica {
                writer.key("urica")
                writer.number(urica)
            }
            if let level = motivation.level {
                writer.key("level")
                writer.string(level.rawValue)
            }
            writer.endObject()
        }
    }
}
