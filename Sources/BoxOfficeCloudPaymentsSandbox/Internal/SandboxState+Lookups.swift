import FoundationEssentials

/// get, find and the two lists.
extension SandboxState {
    /// `/payments/get`.
    func get(_ fields: RequestFields, publicID: String) -> APIAnswer {
        guard let id = fields.integer("TransactionId") else { return .message("TransactionId is required") }
        guard let transaction = self.transaction(id, publicID: publicID) else { return .notFound }
        return .success(transaction.model())
    }

    /// `/v2/payments/find`: the last operation (payment or refund) with that InvoiceId.
    func find(_ fields: RequestFields, publicID: String) -> APIAnswer {
        guard let invoiceID = fields.string("InvoiceId") else { return .message("InvoiceId is required") }
        let matching = self.visible(publicID).filter { $0.invoiceID == invoiceID }
        guard let last = matching.max(by: { $0.id < $1.id }) else { return .notFound }
        return .success(last.model())
    }

    /// `/payments/list`: every transaction created on `Date` in `TimeZone`.
    func list(_ fields: RequestFields, publicID: String) -> APIAnswer {
        guard let dateText = fields.string("Date") else { return .message("Date is required") }
        guard let day = ProviderDates.parseDay(dateText) else { return .message("Date is invalid") }
        guard let offset = ProviderDates.offsetSeconds(timeZone: fields.string("TimeZone")) else {
            return .message("TimeZone is invalid")
        }
        let matching = self.visible(publicID).filter { ProviderDates.day($0.created, offsetSeconds: offset) == day }
        return .success(.array(matching.sorted { $0.id < $1.id }.map { $0.model() }))
    }

    /// `/v2/payments/list`: 100 per page, oldest first.
    func listV2(_ fields: RequestFields, publicID: String) -> APIAnswer {
        guard let gteText = fields.string("CreatedDateGte") else { return .message("CreatedDateGte is required") }
        guard let lteText = fields.string("CreatedDateLte") else { return .message("CreatedDateLte is required") }
        guard let page = fields.integer("PageNumber") else { return .message("PageNumber is required") }
        guard let gte = ProviderDates.parseDateTime(gteText), let lte = ProviderDates.parseDateTime(lteText) else {
            return .message("CreatedDate is invalid")
        }
        guard page >= 1 else { return .message("PageNumber is invalid") }
        var statuses: Set<Int> = []
        for name in fields.strings("Statuses") {
            guard let status = TransactionStatus(name: name) ?? Int(name).flatMap(TransactionStatus.init(rawValue:))
            else { return .message("Statuses is invalid") }
            statuses.insert(status.rawValue)
        }
        let matching = self.visible(publicID)
            .filter {
                let seconds = Int64($0.created.timeIntervalSince1970.rounded(.down))
                return seconds >= gte && seconds <= lte && (statuses.isEmpty || statuses.contains($0.status.rawValue))
            }
            .sorted { $0.id < $1.id }
        let start = Int(page - 1) * Self.listPageSize
        let pageItems = start < matching.count ? matching[start..<min(start + Self.listPageSize, matching.count)] : []
        return .success(.array(pageItems.map { $0.model() }))
    }

}
