import Contracts

extension Payments_V1_PaymentSource {
    /// A hosted-page source whose payer comes back to `https://app.example.com/ok` or `/fail`.
    static var testHostedPage: Payments_V1_PaymentSource {
        var page = Payments_V1_HostedPage()
        page.successURL = "https://app.example.com/ok"
        page.failURL = "https://app.example.com/fail"
        var source = Payments_V1_PaymentSource()
        source.method = .hostedPage(page)
        return source
    }
}
