/// The hosted payment page of an order, where a person types a test card.
enum OrderPage {
    static func form(_ order: Order) -> String {
        HTML.page(
            title: "Pay \(Money.decimalText(order.amountMinor)) \(order.currency)",
            body: """
                <p>\(HTML.escape(order.description)) — order \(order.number), \(HTML.escape(order.status))</p>
                <form method="post" action="/sandbox/orders/\(HTML.escape(order.id))" id="pay">
                <label>Card number <input name="card" inputmode="numeric" autocomplete="cc-number"></label>
                <label>Expiry (MM/YY) <input name="exp" placeholder="12/30"></label>
                <label>CVV <input name="cvv" inputmode="numeric"></label>
                <button type="submit">Pay</button>
                </form>
                """
        )
    }

    static func result(_ order: Order, _ transaction: Transaction) -> String {
        let approved = transaction.status != .declined
        let redirect = approved ? order.successRedirectURL : order.failRedirectURL
        let link = redirect.map { "<p><a id=\"continue\" href=\"\(HTML.escape($0))\">Continue</a></p>" } ?? ""
        return HTML.page(
            title: approved ? "Payment successful" : "Payment declined",
            body: """
                <p id="status">\(transaction.status.name)</p>
                <p>Transaction <span id="transaction">\(transaction.id)</span>, \
                reason \(ReasonCode.name(transaction.reasonCode)) (\(transaction.reasonCode))</p>
                \(link)
                """
        )
    }
}
