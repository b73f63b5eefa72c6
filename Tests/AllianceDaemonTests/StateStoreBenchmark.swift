import AllianceCore
@testable import AllianceDaemon
import Foundation
import Testing

/// Measurements of the state store, run by hand, never timed in CI:
///
///     ALLIANCE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter StateStoreBenchmark
///
/// `ALLIANCE_BENCH_DIR` chooses where the database files go (default /var/tmp: a real disk,
/// where fsync costs what it costs in production; never a tmpfs). Results are printed.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ALLIANCE_BENCH"] != nil, "set ALLIANCE_BENCH=1 to run"), .serialized)
struct StateStoreBenchmark {
    static let directory = ProcessInfo.processInfo.environment["ALLIANCE_BENCH_DIR"] ?? "/var/tmp"

    /// Deterministic records: SRS around 36 with occasional drops, a WAI-SR every third session,
    /// an ORS every fourth, 50 clinicians.
    struct Workload {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        let engine = AllianceEngine(settings: Settings())

        mutating func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }

        mutating func record(client: Int, session: Int) -> SessionRecord {
            let drop = next() % 10 == 0 ? Double(next() % 10) : 0
            let total = 34 + Double(next() % 60) / 10 - drop
            let items = (0..<12).map { _ in 3 + Int(next() % 3) }
            return SessionRecord(
                client: "C-\(client)", clinician: "T-\(client % 50)", session: session,
                date: CalendarDate(year: 2026, month: 1, day: 1)!.adding(days: 7 * session + client % 7),
                srs: StoreFeeder.srs(total),
                waiSR: session % 3 == 0 ? WAISRRatings(items: items) : nil,
                ors: session % 4 == 0 ? ORSRatings(individually: 5, interpersonally: 6, socially: 5, overall: 6) : nil
            )
        }
    }

    static func ingest(_ records: [SessionRecord], into store: StateStore, engine: AllianceEngine, line: inout Int) throws -> Int {
        let first = line
        line += records.count
        return try store.write { transaction in
            var alerts = 0
            for (offset, record) in records.enumerated() {
                let origin = RecordOrigin(source: "bench.jsonl", line: first + offset)
                alerts += try transaction.ingest(.session(record), canonical: canonical(record), origin: origin, engine: engine).alertIDs.count
            }
            return alerts
        }
    }

    /// A stand-in for the parser's canonical JSON, of about its size (≈350 bytes).
    static func canonical(_ record: SessionRecord) -> String {
        let srs = record.srs.map { "{\"approach\":\($0.approach),\"goals\":\($0.goals),\"overall\":\($0.overall),\"relationship\":\($0.relationship)}" } ?? "null"
        let wai = record.waiSR.map { "[" + $0.items.map(String.init).joined(separator: ",") + "]" } ?? "null"
        return """
            {"attendance":"\(record.attendance.rawValue)","client":"\(record.client)","clinician":"\(record.clinician ?? "")",\
            "date":"\(record.dateText)","episode":"\(record.episode)","episode_end":false,"id":"\(record.id)","markers":[],\
            "schema":1,"session":\(record.session),"srs":\(srs),"type":"session","wai_sr":\(wai)}
            """
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func memory() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }.joined(separator: ", ")
    }

    static func fileSize(_ path: String) -> String {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    /// Transactions of 100 records: load, engine, save, session insert, alert enqueue; then (like
    /// the daemon) read the outbox and mark it sent. Either 100 different clients per transaction
    /// (a clinic's daily export) or 10 clients with 10 sessions each (files per client).
    @Test(arguments: [100, 10])
    func batchesOf100WithNormalAndFullSync(clientsPerTransaction: Int) throws {
        for durability in [StateStore.Durability.normal, .full, .normal, .full] {
            let path = Self.directory + "/alliance-bench-\(durability.rawValue)-\(UUID().uuidString).sqlite"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let store = try StateStore(path: path, durability: durability)
            var workload = Workload()
            let clients = 5_000
            let batches = 300
            let sessionsPerClient = 100 / clientsPerTransaction
            var line = 0
            var alerts = 0
            var ingestTime = 0.0
            var outboxTime = 0.0
            for batch in 0..<batches {
                let first = batch * clientsPerTransaction
                let round = first / clients
                let records = (0..<clientsPerTransaction).flatMap { offset in
                    (1...sessionsPerClient).map { index in
                        workload.record(client: (first + offset) % clients, session: round * sessionsPerClient + index)
                    }
                }
                ingestTime += try Self.seconds { alerts += try Self.ingest(records, into: store, engine: workload.engine, line: &line) }
                outboxTime += try Self.seconds { try store.markSent(try store.unsentAlerts(limit: 1_000).map(\.id)) }
            }
            let records = Double(batches * 100)
            print("""
                bench synchronous=\(durability.rawValue), \(clientsPerTransaction) clients per transaction: \
                \(batches) transactions of 100 records, \(alerts) alerts: \
                ingest \(Int(records / ingestTime)) records/s (\(String(format: "%.2f", ingestTime * 1000 / Double(batches))) ms/transaction), \
                with outbox read+markSent \(Int(records / (ingestTime + outboxTime))) records/s; \
                file \(Self.fileSize(path)), \(Self.memory())
                """)
        }
    }

    /// The worst case for FULL: one record per transaction (a spool file of one record), so
    /// every record pays a commit and its fsync.
    @Test func oneRecordPerTransaction() throws {
        for durability in [StateStore.Durability.normal, .full, .normal, .full] {
            let path = Self.directory + "/alliance-bench-one-\(durability.rawValue)-\(UUID().uuidString).sqlite"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let store = try StateStore(path: path, durability: durability)
            var workload = Workload()
            var line = 0
            let count = 2_000
            let time = try Self.seconds {
                for index in 0..<count {
                    _ = try Self.ingest([workload.record(client: index % 500, session: index / 500 + 1)], into: store, engine: workload.engine, line: &line)
                }
            }
            print("bench synchronous=\(durability.rawValue), one record per transaction: \(Int(Double(count) / time)) records/s (\(String(format: "%.3f", time * 1000 / Double(count))) ms/commit)")
        }
    }

    /// A client state with 20 sessions in the store's form (`ClientStateCodec`), against the JSON
    /// and binary-plist forms it replaced.
    @Test func clientStateJSONCost() throws {
        let store = try StateStore.inMemory()
        var workload = Workload()
        var line = 0
        for session in 1...20 { _ = try Self.ingest([workload.record(client: 1, session: session)], into: store, engine: workload.engine, line: &line) }
        let state = try #require(try store.write { try $0.client("C-1") })
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        let data = try encoder.encode(state)
        let rounds = 2_000
        let encode = try Self.seconds { for _ in 0..<rounds { _ = try encoder.encode(state) } }
        let decode = try Self.seconds { for _ in 0..<rounds { _ = try decoder.decode(ClientState.self, from: data) } }
        print("bench ClientState of 20 sessions: \(data.count) bytes JSON, encode \(Int(encode / Double(rounds) * 1e6)) µs, decode \(Int(decode / Double(rounds) * 1e6)) µs")
        let plistEncoder = PropertyListEncoder()
        plistEncoder.outputFormat = .binary
        let plistDecoder = PropertyListDecoder()
        let plist = try plistEncoder.encode(state)
        let plistEncode = try Self.seconds { for _ in 0..<rounds { _ = try plistEncoder.encode(state) } }
        let plistDecode = try Self.seconds { for _ in 0..<rounds { _ = try plistDecoder.decode(ClientState.self, from: plist) } }
        print("bench ClientState of 20 sessions: \(plist.count) bytes binary plist, encode \(Int(plistEncode / Double(rounds) * 1e6)) µs, decode \(Int(plistDecode / Double(rounds) * 1e6)) µs")
        let stored = ClientStateCodec.encode(state)
        let codecEncode = Self.seconds { for _ in 0..<rounds { _ = ClientStateCodec.encode(state) } }
        let codecDecode = try Self.seconds { for _ in 0..<rounds { _ = try ClientStateCodec.decode(stored) } }
        print("bench ClientState of 20 sessions: \(stored.count) bytes ClientStateCodec (stored form), encode \(Int(codecEncode / Double(rounds) * 1e6)) µs, decode \(Int(codecDecode / Double(rounds) * 1e6)) µs")
    }

    /// 100,000 clients × 10 sessions: counts, lapse candidates, history and batches at that
    /// size, and the process's memory.
    @Test func hundredThousandClients() throws {
        let clients = Int(ProcessInfo.processInfo.environment["ALLIANCE_BENCH_CLIENTS"] ?? "") ?? 100_000
        let path = Self.directory + "/alliance-bench-\(clients).sqlite"
        let keep = ProcessInfo.processInfo.environment["ALLIANCE_BENCH_KEEP"] != nil
        defer { if !keep { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } } }
        let sessions = 10
        var workload = Workload()
        var line = 0
        if !FileManager.default.fileExists(atPath: path) {
            let store = try StateStore(path: path, durability: .normal)
            let fill = try Self.seconds {
                for session in 1...sessions {
                    for start in stride(from: 0, to: clients, by: 1_000) {
                        let records = (start..<start + 1_000).map { workload.record(client: $0, session: session) }
                        _ = try Self.ingest(records, into: store, engine: workload.engine, line: &line)
                    }
                    while case let sent = try store.unsentAlerts(limit: 1_000).map(\.id), !sent.isEmpty { try store.markSent(sent) }
                }
            }
            print("bench fill: \(clients * sessions) records in \(Int(fill)) s (\(Int(Double(clients * sessions) / fill)) records/s, batches of 1000, NORMAL); \(Self.memory())")
        }
        print("bench 100k: file \(Self.fileSize(path)); before opening: \(Self.memory())")

        let store = try StateStore(path: path, durability: .full)
        var counts = try store.counts()
        let meta = try Self.seconds { for _ in 0..<100 { counts = try store.counts() } }
        var scanned = counts
        let scan = try Self.seconds { scanned = try store.countsByScanning() }
        let scanWarm = try Self.seconds { scanned = try store.countsByScanning() }
        #expect(scanned == counts)
        print("bench 100k: \(counts); counts() \(String(format: "%.3f", meta * 10)) ms, COUNT(*) scan \(String(format: "%.1f", scan * 1000)) ms (warm \(String(format: "%.1f", scanWarm * 1000)) ms)")

        var candidates: [String] = []
        let day = CalendarDate(year: 2026, month: 1, day: 1)!.adding(days: 7 * sessions + 40)
        let lapse = try Self.seconds { candidates = try store.lapseCandidates(on: day, lapse: Settings.Lapse()) }
        var history = ClientHistory(client: "", episodes: [], sessions: [])
        let historyTime = try Self.seconds { history = try store.history(client: "C-\(clients / 2)") }
        print("bench 100k: lapseCandidates \(candidates.count) clients in \(String(format: "%.1f", lapse * 1000)) ms; history of \(history.sessions.count) sessions in \(String(format: "%.2f", historyTime * 1000)) ms")

        print("bench 100k: after counts, lapse and history: \(Self.memory())")

        // Batches at this size: 100 clients spread over the whole table per transaction (every
        // record dirties its own pages), then the outbox read and marked sent, as the daemon does.
        // Session numbers above any a previous run of this benchmark stored on a kept file.
        let base = sessions + 1 + counts.sessions / 100
        line = 0
        for durability in [StateStore.Durability.normal, .full, .normal, .full] {
            let store = try StateStore(path: path, durability: durability)
            var ingestTime = 0.0
            var outboxTime = 0.0
            let batches = 40
            for _ in 0..<batches {
                let records = (0..<100).map { workload.record(client: ($0 * 997 + line) % clients, session: base + line / 100) }
                ingestTime += try Self.seconds { _ = try Self.ingest(records, into: store, engine: workload.engine, line: &line) }
                outboxTime += try Self.seconds { try store.markSent(try store.unsentAlerts(limit: 1_000).map(\.id)) }
            }
            let records = Double(batches * 100)
            print("""
                bench 100k: \(batches) transactions of 100 scattered clients, synchronous=\(durability.rawValue): \
                ingest \(Int(records / ingestTime)) records/s (\(String(format: "%.1f", ingestTime * 1000 / Double(batches))) ms/transaction), \
                with outbox \(Int(records / (ingestTime + outboxTime))) records/s; \(Self.memory())
                """)
        }
    }
}
