import BoxOfficePayments
import Contracts
import Testing

@Suite("PaymentState")
struct PaymentStateTests {
    typealias Event = PaymentState.Event

    static let events: [Event] = [
        .actionRequired, .approved, .authorized, .declined, .outcomeUnknown, .captured(amountMinor: 1_000), .voided,
        .refunded(amountMinor: 400),
    ]

    /// Every legal (status, event) → status; everything not listed must throw, except no-ops.
    static let legal: [PaymentStatus: [String: PaymentStatus]] = [
        .created: [
            "actionRequired": .requiresAction, "approved": .succeeded, "authorized": .authorized, "declined": .failed,
            "outcomeUnknown": .unknown,
        ],
        .requiresAction: [
            "approved": .succeeded, "authorized": .authorized, "declined": .failed, "outcomeUnknown": .unknown,
        ],
        .unknown: ["approved": .succeeded, "authorized": .authorized, "declined": .failed],
        .failed: ["approved": .succeeded, "authorized": .authorized],
        .authorized: ["captured(1000)": .succeeded, "approved": .succeeded, "voided": .voided],
        .succeeded: ["refunded(400)": .partiallyRefunded],
        .partiallyRefunded: ["refunded(400)": .partiallyRefunded],
        .refunded: [:],
        .voided: [:],
    ]

    static let noOps: [PaymentStatus: Set<String>] = [
        .requiresAction: ["actionRequired"],
        .succeeded: ["approved", "captured(1000)"],
        .partiallyRefunded: ["approved", "captured(1000)"],
        .refunded: ["approved", "captured(1000)"],
        .authorized: ["authorized"],
        .failed: ["declined"],
        .unknown: ["outcomeUnknown"],
        .voided: ["voided"],
        .created: [],
    ]

    @Test("every status × event is a listed transition, a listed no-op, or an error naming both", arguments: PaymentStatus.allCases)
    func exhaustive(status: PaymentStatus) throws {
        let refunded: Int64 = status == .partiallyRefunded ? 100 : (status == .refunded ? 1_000 : 0)
        let state = PaymentState(status: status, amountMinor: 1_000, refundedMinor: refunded)
        for event in Self.events {
            let name = event.description
            if let target = Self.legal[status]?[name] {
                let transition = try state.applying(event)
                #expect(transition.state.status == target, "\(status) + \(name)")
                #expect(!transition.isNoOp)
            } else if Self.noOps[status]?.contains(name) == true {
                let transition = try state.applying(event)
                #expect(transition.isNoOp, "\(status) + \(name)")
                #expect(transition.state == state)
            } else {
                let error = #expect(throws: PaymentsError.self, "\(status) + \(name)") { try state.applying(event) }
                #expect(error?.code == .illegalTransition)
                #expect(error?.message.contains(status.rawValue) == true)
                #expect(error?.message.contains(name) == true)
            }
        }
    }

    @Test("refunds add up: partial, repeated, then full; over-refund refused naming amountMinor")
    func refunds() throws {
        var state = PaymentState(status: .succeeded, amountMinor: 1_000)
        state = try state.applying(.refunded(amountMinor: 300)).state
        #expect(state.status == .partiallyRefunded)
        #expect(state.refundedMinor == 300)
        #expect(state.refundableMinor == 700)
        state = try state.applying(.refunded(amountMinor: 200)).state
        #expect(state.refundedMinor == 500)
        let over = #expect(throws: PaymentsError.self) { try state.applying(.refunded(amountMinor: 501)) }
        #expect(over?.code == .failedPrecondition)
        #expect(over?.field == "amountMinor")
        let zero = #expect(throws: PaymentsError.self) { try state.applying(.refunded(amountMinor: 0)) }
        #expect(zero?.field == "amountMinor")
        state = try state.applying(.refunded(amountMinor: 500)).state
        #expect(state.status == .refunded)
        #expect(state.refundableMinor == 0)
        #expect(throws: PaymentsError.self) { try state.applying(.refunded(amountMinor: 1)) }
    }

    @Test("a partial capture lowers the amount; above the authorized amount is refused")
    func capture() throws {
        let state = PaymentState(status: .authorized, amountMinor: 1_000)
        let captured = try state.applying(.captured(amountMinor: 600)).state
        #expect(captured.status == .succeeded)
        #expect(captured.amountMinor == 600)
        let over = #expect(throws: PaymentsError.self) { try state.applying(.captured(amountMinor: 1_001)) }
        #expect(over?.code == .failedPrecondition)
        #expect(over?.field == "amountMinor")
    }

    @Test("statuses map to the contract and back")
    func protoMapping() {
        for status in PaymentStatus.allCases {
            #expect(PaymentStatus(proto: status.proto) == status)
        }
        #expect(PaymentStatus(proto: .unspecified) == nil)
        #expect(PaymentStatus.authorized.proto.rawValue == 9)
    }
}
