import BoxOfficePostgres
import BoxOfficeProtobuf
import BoxOfficeRPC
import Contracts
import Foundation

/// Rows to contract messages.
enum PaymentMapping {
    static func payment(_ record: PaymentRecord, refunds: [RefundRecord]) throws -> Payments_V1_Payment {
        var payment = Payments_V1_Payment()
        payment.paymentID = record.paymentID.uuidString.lowercased()
        payment.userID = record.userID.uuidString.lowercased()
        payment.invoiceID = record.invoiceID
        payment.status = record.status.proto
        payment.amount = PaymentEvents.money(record.amountMinor, record.currency)
        payment.refundedAmount = PaymentEvents.money(record.refundedMinor, record.currency)
        payment.paymentMethodID = record.paymentMethodID?.uuidString.lowercased() ?? ""
        payment.providerTransactionID = record.providerTransactionID ?? 0
        if let action = record.action, record.status == .requiresAction {
            payment.action = try Payments_V1_PaymentAction(rpcBytes: action)
        }
        payment.failureCode = record.failureCode
        payment.failureMessage = record.failureMessage
        payment.failureFinal = record.failureFinal
        payment.recurring = record.recurring
        payment.refunds = refunds.map(Self.refund)
        payment.createdAt = ProtobufTimestamp(date: record.createdAt)
        payment.updatedAt = ProtobufTimestamp(date: record.updatedAt)
        return payment
    }

    static func refund(_ record: RefundRecord) -> Payments_V1_Refund {
        var refund = Payments_V1_Refund()
        refund.refundID = record.refundID.uuidString.lowercased()
        refund.paymentID = record.paymentID.uuidString.lowercased()
        refund.amount = PaymentEvents.money(record.amountMinor, record.currency)
        refund.status =
            switch record.status {
            case .pending: .pending
            case .succeeded: .succeeded
            case .failed: .failed
            }
        refund.reason = record.reason
        refund.requestedBy = record.requestedBy
        refund.providerTransactionID = record.providerTransactionID ?? 0
        refund.createdAt = ProtobufTimestamp(date: record.createdAt)
        return refund
    }

    static func method(_ record: PaymentMethodRecord) -> Payments_V1_PaymentMethod {
        var method = Payments_V1_PaymentMethod()
        method.paymentMethodID = record.paymentMethodID.uuidString.lowercased()
        method.userID = record.userID.uuidString.lowercased()
        method.brand = Self.brand(record.brand)
        method.firstSix = record.firstSix
        method.lastFour = record.lastFour
        method.expMonth = record.expMonth
        method.expYear = record.expYear
        method.createdAt = ProtobufTimestamp(date: record.createdAt)
        return method
    }

    /// The provider's `CardType` as the contract's brand.
    static func brand(_ cardType: String) -> Payments_V1_CardBrand {
        switch cardType.lowercased() {
        case "": .unspecified
        case "visa": .visa
        case "mastercard": .mastercard
        case "mir": .mir
        case "maestro": .maestro
        default: .other
        }
    }

    /// A payment with its refunds, read on `connection`.
    static func payment(_ record: PaymentRecord, in connection: PostgresConnection) async throws -> Payments_V1_Payment
    {
        try Self.payment(record, refunds: try await PaymentStore.refunds(payment: record.paymentID, in: connection))
    }
}
