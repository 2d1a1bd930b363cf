public import BoxOfficeRPC
import Contracts

extension ProviderNotificationHandler {
    /// Renders HandleProviderNotification's answer as the provider requires it: `{"code":N}`
    /// with `code` ALWAYS present.
    ///
    /// Proto3 JSON leaves a field at its default out, so the generated renderer answers
    /// `{}` for code 0 — which CloudPayments (and the sandbox) read as "not accepted": a Check
    /// would decline the payment and every other notification would be retried for days.
    ///
    /// - Throws: `RPCError` INTERNAL for bytes that are not a `ProviderNotificationResponse`.
    public static func answerJSON(_ response: UnsafeRawBufferPointer) throws(RPCError) -> [UInt8] {
        let message = try Payments_V1_ProviderNotificationResponse(rpcBytes: response)
        return Array("{\"code\":\(message.code)}".utf8)
    }

    /// `bindings` with the notification webhook route answering through ``answerJSON(_:)``; the
    /// gateway serving PaymentService's routes uses these.
    public static func providerAnswerBindings(_ bindings: [HTTPBinding]) -> [HTTPBinding] {
        bindings.map { binding in
            guard binding.method == Payments_V1_PaymentServiceMethods.handleProviderNotification else { return binding }
            var patched = binding
            patched.encodeJSONResponse = { response throws(RPCError) in try Self.answerJSON(response) }
            return patched
        }
    }
}
