import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation

extension PaymentService {
    /// Who a list call serves.
    enum ListScope {
        /// ListPayments: any filter; a user caller sees only their own.
        case service
        /// AdminListPayments: across users; not for user callers.
        case admin
        /// AdminListUserPayments: one user, `user_id` required; not for user callers.
        case adminUser
    }

    func getPaymentCall(
        _ request: Payments_V1_GetPaymentRequest,
        context: ServerContext
    ) async throws
        -> Payments_V1_Payment
    {
        let paymentID = try Validation.uuid(request.paymentID, "paymentId")
        let owner = try Self.owner(request.userID, context: context)
        return try await self.postgres.withConnection { connection in
            guard let payment = try await PaymentStore.payment(paymentID, in: connection),
                owner == nil || payment.userID == owner
            else {
                throw PaymentsError(code: .notFound, message: "payment \(request.paymentID) does not exist")
            }
            return try await PaymentMapping.payment(payment, in: connection)
        }
    }

    func listPaymentsCall(
        _ request: Payments_V1_ListPaymentsRequest,
        context: ServerContext,
        scope: ListScope
    ) async throws -> Payments_V1_ListPaymentsResponse {
        let caller = Caller(context.metadata)
        let pageSize = try PageToken.pageSize(request.pageSize)
        let cursor = try PageToken.decode(request.pageToken)
        var filter = PaymentStore.ListFilter()
        filter.userID = try Validation.optionalUUID(request.userID, "userId")
        if !request.invoiceID.isEmpty {
            try Validation.text(request.invoiceID, "invoiceId", max: Validation.invoiceIDLengthMax)
            filter.invoiceID = request.invoiceID
        }
        if request.status != .unspecified {
            guard let status = PaymentStatus(proto: request.status) else {
                throw PaymentsError.invalid("status", "is not a payment status")
            }
            filter.status = status
        }
        filter.from = request.from?.date
        filter.to = request.to?.date
        if let from = filter.from, let to = filter.to, from >= to {
            throw PaymentsError.invalid("to", "must be after from")
        }
        switch scope {
        case .service:
            if let user = caller.userID {
                if let requested = filter.userID, requested != user {
                    throw PaymentsError(code: .permissionDenied, message: "a user may list only their own payments")
                }
                filter.userID = user
            }
        case .admin, .adminUser:
            if caller.userID != nil {
                throw PaymentsError(code: .permissionDenied, message: "this list is for administrators")
            }
            if scope == .adminUser && filter.userID == nil {
                throw PaymentsError.invalid("userId", "is required")
            }
        }
        let filterValue = filter
        return try await self.postgres.withConnection { connection in
            // One row more than the page tells whether another page follows.
            let rows = try await PaymentStore.list(filterValue, pageSize: pageSize + 1, after: cursor, in: connection)
            let page = Array(rows.prefix(pageSize))
            let refunds = try await PaymentStore.refunds(payments: page.map(\.paymentID), in: connection)
            var response = Payments_V1_ListPaymentsResponse()
            response.payments = try page.map { try PaymentMapping.payment($0, refunds: refunds[$0.paymentID] ?? []) }
            if rows.count > pageSize, let last = page.last {
                response.nextPageToken = PageToken.encode(
                    PaymentStore.Cursor(createdAt: last.createdAt, id: last.paymentID)
                )
            }
            return response
        }
    }

    func listPaymentMethodsCall(
        _ request: Payments_V1_ListPaymentMethodsRequest,
        context: ServerContext
    ) async throws -> Payments_V1_ListPaymentMethodsResponse {
        guard let user = Caller(context.metadata).userID else {
            throw PaymentsError(code: .permissionDenied, message: "saved cards are listed for a user caller only")
        }
        let pageSize = try PageToken.pageSize(request.pageSize)
        let cursor = try PageToken.decode(request.pageToken)
        return try await self.postgres.withConnection { connection in
            let rows = try await PaymentMethodStore.list(
                userID: user,
                pageSize: pageSize + 1,
                after: cursor,
                in: connection
            )
            let page = Array(rows.prefix(pageSize))
            var response = Payments_V1_ListPaymentMethodsResponse()
            response.paymentMethods = page.map(PaymentMapping.method)
            if rows.count > pageSize, let last = page.last {
                response.nextPageToken = PageToken.encode(
                    PaymentStore.Cursor(createdAt: last.createdAt, id: last.paymentMethodID)
                )
            }
            return response
        }
    }

    func getPaymentMethodCall(
        _ request: Payments_V1_GetPaymentMethodRequest,
        context: ServerContext
    ) async throws -> Payments_V1_PaymentMethod {
        let id = try Validation.uuid(request.paymentMethodID, "paymentMethodId")
        let owner = try Validation.uuid(request.userID, "userId")
        if let caller = Caller(context.metadata).userID, caller != owner {
            throw PaymentsError(code: .notFound, message: "payment method \(request.paymentMethodID) does not exist")
        }
        return try await self.postgres.withConnection { connection in
            guard let method = try await PaymentMethodStore.method(id, in: connection), method.userID == owner,
                method.deletedAt == nil
            else {
                throw PaymentsError(
                    code: .notFound,
                    message: "payment method \(request.paymentMethodID) does not exist"
                )
            }
            return PaymentMapping.method(method)
        }
    }

    func deletePaymentMethodCall(
        _ request: Payments_V1_DeletePaymentMethodRequest,
        context: ServerContext
    ) async throws -> Common_V1_Empty {
        guard let user = Caller(context.metadata).userID else {
            throw PaymentsError(code: .permissionDenied, message: "saved cards are deleted by their owner only")
        }
        let id = try Validation.uuid(request.paymentMethodID, "paymentMethodId")
        let deleted = try await self.postgres.withConnection { connection in
            try await PaymentMethodStore.delete(id, userID: user, in: connection)
        }
        guard deleted else {
            throw PaymentsError(code: .notFound, message: "payment method \(request.paymentMethodID) does not exist")
        }
        return Common_V1_Empty()
    }
}
