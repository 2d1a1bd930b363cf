import BoxOfficeCloudPayments
import Foundation

/// One provider call an attempt makes; rebuilt from the request on a take-over, so a resend is
/// byte-for-byte the same call with the same `X-Request-ID`.
enum ProviderCall: Sendable {
    case card(CardPaymentRequest, twoStage: Bool)
    case token(TokenPaymentRequest, twoStage: Bool)
    case order(OrderRequest)
    case post3DS(transactionID: Int64, paRes: String)
    case confirm(transactionID: Int64, amount: Money)
    case void(transactionID: Int64)
    case refund(transactionID: Int64, amount: Money)

    /// Sends the call with `requestID` and reads its answer as an outcome; never throws: every
    /// failure is an outcome (refused, not sent, unknown).
    func send(
        with client: CloudPaymentsClient,
        requestID: String,
        timeoutMilliseconds: Int64
    ) async -> ProviderOutcome {
        do {
            let id = try RequestID(requestID)
            switch self {
            case .card(let request, let twoStage):
                let result =
                    twoStage
                    ? try await client.authorizeCard(request, requestID: id, timeoutMilliseconds: timeoutMilliseconds)
                    : try await client.chargeCard(request, requestID: id, timeoutMilliseconds: timeoutMilliseconds)
                switch result {
                case .approved(let transaction), .declined(let transaction): return .transaction(transaction)
                case .requires3DS(let challenge): return .challenge(challenge)
                }
            case .token(let request, let twoStage):
                let result =
                    twoStage
                    ? try await client.authorizeToken(request, requestID: id, timeoutMilliseconds: timeoutMilliseconds)
                    : try await client.chargeToken(request, requestID: id, timeoutMilliseconds: timeoutMilliseconds)
                return Self.outcome(result)
            case .order(let request):
                return .order(
                    try await client.createOrder(request, requestID: id, timeoutMilliseconds: timeoutMilliseconds)
                )
            case .post3DS(let transactionID, let paRes):
                return Self.outcome(
                    try await client.post3DS(
                        transactionId: transactionID,
                        paRes: paRes,
                        requestID: id,
                        timeoutMilliseconds: timeoutMilliseconds
                    )
                )
            case .confirm(let transactionID, let amount):
                try await client.confirm(
                    transactionId: transactionID,
                    amount: amount,
                    requestID: id,
                    timeoutMilliseconds: timeoutMilliseconds
                )
                return .done(transactionID: transactionID)
            case .void(let transactionID):
                try await client.void(
                    transactionId: transactionID,
                    requestID: id,
                    timeoutMilliseconds: timeoutMilliseconds
                )
                return .done(transactionID: transactionID)
            case .refund(let transactionID, let amount):
                let refundID = try await client.refund(
                    transactionId: transactionID,
                    amount: amount,
                    requestID: id,
                    timeoutMilliseconds: timeoutMilliseconds
                )
                return .done(transactionID: refundID)
            }
        } catch {
            return ProviderOutcome(error: error)
        }
    }

    private static func outcome(_ result: PaymentResult) -> ProviderOutcome {
        switch result {
        case .approved(let transaction), .declined(let transaction): .transaction(transaction)
        }
    }
}
