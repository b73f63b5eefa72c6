/// SPEC §4 rounding: every compared quantity is rounded half away from zero to 4 decimals,
/// applied to the shortest decimal form that round-trips the double (2.00005 → 2.0001), so
/// `36.0 < 36` is false and 35.99999999999999 equals 36.
///
/// Values are compared as integers in units of 0.0001.
public enum Decimal4 {
    /// `x` rounded half away from zero to 4 decimals, in units of 0.0001.
    @inline(__always)
    public static func units(_ x: Double) -> Int64 {
        let scaled = x * 10_000
        let magnitude = scaled.magnitude
        let fraction = magnitude - magnitude.rounded(.down)
        // Far from a tie, binary noise cannot change the result: round directly.
        if (fraction - 0.5).magnitude > 1e-6, magnitude < 1e9 {
            return Int64(scaled.rounded(.toNearestOrAwayFromZero))
        }
        return slowUnits(x)
    }

    /// `x` rounded to 4 decimals, as a double (for display and tests).
    public static func rounded(_ x: Double) -> Double { Double(units(x)) / 10_000 }

    private static func slowUnits(_ x: Double) -> Int64 {
        guard x.isFinite else { return x > 0 ? .max : (x < 0 ? .min : 0) }
        let (negative, digits, exponent) = shortestDigits(x)
        // value = 0.d1d2d3… × 10^exponent; we want round(value × 10^4).
        let integerDigits = exponent + 4
        var result: Int64 = 0
        var index = 0
        while index < integerDigits {
            let digit = index < digits.count ? Int64(digits[index]) : 0
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return negative ? .min : .max }
            result = sum
            index += 1
        }
        let nextIndex = max(integerDigits, 0)
        if integerDigits >= 0, nextIndex < digits.count, digits[nextIndex] >= 5 { result += 1 }
        return negative ? -result : result
    }

    /// The digits of the shortest round-trip decimal form of `x`: sign, digits (no leading zeros),
    /// and the decimal exponent such that x = 0.d1d2… × 10^exponent.
    static func shortestDigits(_ x: Double) -> (negative: Bool, digits: [UInt8], exponent: Int) {
        let text = x.magnitude.description  // shortest round-trip form, e.g. "2.00005", "1e-05", "1.5e+20"
        var mantissa = Substring(text)
        var exponentPart = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[text.startIndex..<e]
            exponentPart = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        for character in mantissa {
            if character == "." {
                pointPosition = digits.count
            } else if let value = character.wholeNumberValue {
                digits.append(UInt8(value))
            }
        }
        var exponent = (pointPosition ?? digits.count) + exponentPart
        while let first = digits.first, first == 0, digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        if digits == [0] { exponent = 0 }
        return (x < 0, digits, exponent)
    }

    /// `x` as displayed (SPEC §6.1): the quantity as the rules compare it — rounded half away
    /// from zero to 4 decimals from its shortest decimal form (§4) — rounded half away from
    /// zero to `decimals` places: `format(6.83475, 2)` is `6.83`, and an SRS total of
    /// 6.25 + 9.2 + 9.2 + 9.2 (the double 33.849999999999994, the quantity 33.85) is `33.9`.
    public static func format(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return x.description }
        let units = Decimal4.units(x)
        guard (0...4).contains(decimals), units != .max, units != .min else { return exactFormat(x, decimals: decimals) }
        let divisor = UInt64(powersOfTen[4 - decimals])
        let shown = (units.magnitude + divisor / 2) / divisor
        return text(shown, decimals: decimals, negative: units < 0 && shown != 0)
    }

    /// `x` rounded half away from zero to `decimals` places straight from its shortest decimal
    /// digits, for any finite value: ``format(_:decimals:)`` for values too large for 4-decimal
    /// units or more than 4 decimals, and the reference it is tested against.
    static func exactFormat(_ x: Double, decimals: Int) -> String {
        let (negative, digits, exponent) = shortestDigits(x)
        // Round the digit string at position exponent + decimals.
        let keep = exponent + decimals
        var kept: [UInt8]
        if keep < 0 {
            kept = []
        } else {
            kept = Array(digits.prefix(keep))
            while kept.count < keep { kept.append(0) }
            if keep < digits.count, digits[keep] >= 5 {
                var carry = true
                var i = kept.count - 1
                while carry, i >= 0 {
                    if kept[i] == 9 { kept[i] = 0; i -= 1 } else { kept[i] += 1; carry = false }
                }
                if carry { kept.insert(1, at: 0) }
            }
        }
        // kept holds the digits of round(|x| × 10^decimals).
        var text = kept.map { String($0) }.joined()
        if text.count <= decimals { text = String(repeating: "0", count: decimals - text.count + 1) + text }
        let integerPart = text.dropLast(decimals).drop(while: { $0 == "0" })
        let fractionPart = text.suffix(decimals)
        var result = integerPart.isEmpty ? "0" : String(integerPart)
        if decimals > 0 { result += "." + fractionPart }
        let isZero = !text.contains { $0 != "0" }
        return (negative && !isZero ? "-" : "") + result
    }
}

extension Decimal4 {
    static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000]

    /// `value` / 10^`decimals` as text with exactly `decimals` decimals, digits written
    /// backwards into a small buffer and made a string in one step (this runs for every number
    /// an alert shows).
    static func text(_ value: UInt64, decimals: Int, negative: Bool) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { reversed in
            var count = 0
            var rest = value
            for _ in 0..<decimals {
                reversed[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            if decimals > 0 {
                reversed[count] = UInt8(ascii: ".")
                count += 1
            }
            repeat {
                reversed[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            if negative {
                reversed[count] = UInt8(ascii: "-")
                count += 1
            }
            let length = count
            return String(unsafeUninitializedCapacity: length) { text in
                for index in 0..<length { text[index] = reversed[length - 1 - index] }
                return length
            }
        }
    }
}

extension Double {
    @inline(__always) static func lessAt4(_ a: Double, _ b: Double) -> Bool { Decimal4.units(a) < Decimal4.units(b) }
    @inline(__always) static func atLeastAt4(_ a: Double, _ b: Double) -> Bool { Decimal4.units(a) >= Decimal4.units(b) }
    @inline(__always) static func atMostAt4(_ a: Double, _ b: Double) -> Bool { Decimal4.units(a) <= Decimal4.units(b) }
    @inline(__always) static func aboveAt4(_ a: Double, _ b: Double) -> Bool { Decimal4.units(a) > Decimal4.units(b) }
}
