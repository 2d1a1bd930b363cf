import BoxOfficeRPC

/// The JSON error body of API.md: `{"error":{"code":…,"message":…,"details":[{"field":…,"reason":…}]}}`.
enum ErrorBody {
    /// The body for `error`, with server-side messages replaced by generic ones so that no host
    /// name, address or internal reason reaches a browser.
    static func render(_ error: RPCError) -> [UInt8] {
        let message = error.code.messageIsForClients ? error.message : Self.genericMessage(error.code)
        let details = error.code.messageIsForClients ? error.details : []
        var out: [UInt8] = []
        out.reserveCapacity(96 + message.utf8.count)
        out.append(contentsOf: Array("{\"error\":{\"code\":".utf8))
        JSONText.appendString(error.code.name, to: &out)
        out.append(contentsOf: Array(",\"message\":".utf8))
        JSONText.appendString(message, to: &out)
        out.append(contentsOf: Array(",\"details\":[".utf8))
        for (index, detail) in details.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array("{\"field\":".utf8))
            JSONText.appendString(detail.field, to: &out)
            out.append(contentsOf: Array(",\"reason\":".utf8))
            JSONText.appendString(detail.reason, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: Array("]}}".utf8))
        return out
    }

    static func genericMessage(_ code: RPCError.Code) -> String {
        switch code {
        case .unavailable, .cancelled: return "service unavailable"
        case .deadlineExceeded: return "deadline exceeded"
        case .unimplemented: return "not implemented"
        default: return "internal error"
        }
    }
}
