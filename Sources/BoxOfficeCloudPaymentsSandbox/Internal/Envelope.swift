/// One answer of the API: an HTTP status and the envelope, kept as bytes so that a replayed
/// `X-Request-ID` gets exactly the same answer.
struct APIAnswer: Sendable, Equatable {
    var httpStatus: Int
    var body: String

    /// `Success:true`, with a Model when there is one.
    static func success(_ model: JSONValue? = nil) -> APIAnswer {
        Self.envelope(model: model, success: true, message: nil)
    }

    /// A request the provider refuses: `Success:false` and a text, no Model.
    static func message(_ text: String) -> APIAnswer {
        Self.envelope(model: nil, success: false, message: text)
    }

    static let notFound = APIAnswer.message("Not found")

    /// 3-D Secure needed or payment declined: `Success:false`, `Message:null`, a Model.
    static func failure(_ model: JSONValue) -> APIAnswer {
        Self.envelope(model: model, success: false, message: nil)
    }

    /// A transaction Model with the envelope that its status calls for.
    static func transaction(_ transaction: Transaction) -> APIAnswer {
        switch transaction.status {
        case .authorized, .completed, .cancelled: return .success(transaction.model())
        case .declined, .awaitingAuthentication: return .failure(transaction.model())
        }
    }

    private static func envelope(model: JSONValue?, success: Bool, message: String?) -> APIAnswer {
        var members: [(String, JSONValue)] = []
        if let model { members.append(("Model", model)) }
        members.append(("Success", .bool(success)))
        members.append(("Message", message.map { .string($0) } ?? .null))
        return APIAnswer(httpStatus: 200, body: JSONValue.object(members).serialized())
    }
}
