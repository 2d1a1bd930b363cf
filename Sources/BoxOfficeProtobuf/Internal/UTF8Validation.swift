/// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), with a
/// word-at-a-time path for ASCII, which most protocol strings are. The standard library's
/// `String(validating:as:)` does the same job but is not specialized across modules and spent
/// most of a decode in generic metadata look-ups.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index < count {
            while index + 8 <= count,
                raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
            }
            guard index < count else { return true }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            func continuation(_ offset: Int) -> Bool {
                index + offset < count && base[index + offset] & 0xc0 == 0x80
            }
            switch lead {
            case 0xc2...0xdf:
                guard continuation(1) else { return false }
                index += 2
            case 0xe0...0xef:
                guard continuation(1), continuation(2) else { return false }
                let second = base[index + 1]
                if lead == 0xe0, second < 0xa0 { return false }  // overlong
                if lead == 0xed, second > 0x9f { return false }  // surrogates
                index += 3
            case 0xf0...0xf4:
                guard continuation(1), continuation(2), continuation(3) else { return false }
                let second = base[index + 1]
                if lead == 0xf0, second < 0x90 { return false }  // overlong
                if lead == 0xf4, second > 0x8f { return false }  // past U+10FFFF
                index += 4
            default:
                return false
            }
        }
        return true
    }
}
