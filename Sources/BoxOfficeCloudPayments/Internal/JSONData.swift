/// Caller-supplied `JsonData`: must be a JSON object; sent as an object, not a string.
enum JSONData {
    static func object(_ text: String?) throws(CloudPaymentsError) -> JSONValue? {
        guard let text else { return nil }
        guard let value = try? JSONReader.parse(text), value.objectValue != nil else {
            throw CloudPaymentsError(code: .invalidArgument, message: "JsonData must be a JSON object")
        }
        return value
    }
}
