/// The sandbox's HTML pages: the 3-D Secure ACS page and the hosted order page.
enum HTML {
    static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title></head>
        <body>
        <h1>\(escape(title))</h1>
        \(body)
        </body></html>

        """
    }
}

/// The bank's side of 3-D Secure: the page at `AcsUrl`, where the payer chooses success or
/// failure, and the `PaRes` values it posts back to the `TermUrl`.
enum ACSPage {
    /// The `PaRes` the page posts for a transaction: `post3ds` approves exactly the success value.
    static func paRes(transactionID: Int64, approved: Bool) -> String {
        "sandbox-pares:\(transactionID):" + (approved ? "approved" : "failed")
    }

    /// The page for a POST of `MD`, `PaReq`, `TermUrl`: two forms posting `MD` and `PaRes` to
    /// the `TermUrl`, one per outcome.
    static func html(md: String, termURL: String) -> String {
        let id = Int64(md) ?? 0
        func form(_ approved: Bool) -> String {
            """
            <form method="post" action="\(HTML.escape(termURL))" id="\(approved ? "success" : "failure")">
            <input type="hidden" name="MD" value="\(HTML.escape(md))">
            <input type="hidden" name="PaRes" value="\(HTML.escape(paRes(transactionID: id, approved: approved)))">
            <button type="submit">\(approved ? "Authenticate (success)" : "Fail authentication")</button>
            </form>
            """
        }
        return HTML.page(
            title: "Sandbox 3-D Secure",
            body: "<p>Transaction \(HTML.escape(md))</p>\n" + form(true) + "\n" + form(false)
        )
    }
}
