import AllianceConfig

/// One libFuzzer input for the configuration loader (SPEC §7): the bytes as a TOML file, read the
/// way `ConfigLoader.load(path:)` reads one (text that is not UTF-8 is rejected before parsing),
/// without touching the file system.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    switch ConfigLoader.parse(text: text, file: "fuzz.toml") {
    case .success:
        break
    case .failure(let errors):
        _ = "\(errors)"
    }
    return 0
}
