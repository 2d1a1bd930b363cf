import Foundation
import Testing

@testable import BoxOfficeCloudPayments

@Suite("The envelope's cases")
struct EnvelopeTests {
    private func envelope(_ text: String) throws(CloudPaymentsError) -> Envelope {
        try Envelope(parsing: Array(text.utf8))
    }

    @Test("Success:true with a transaction Model is approved, every listed field read")
    func approved() throws {
        guard
            case .approved(let transaction) = try self.envelope(ProviderAnswers.approved).chargeResult(
                allowing3DS: true
            )
        else {
            Issue.record("not approved")
            return
        }
        #expect(transaction.transactionId == 891_463)
        #expect(transaction.amount == (try Money(minorUnits: 1000, currency: .rub)))
        #expect(transaction.paymentAmount?.minorUnits == 1000)
        #expect(transaction.invoiceId == "1234567")
        #expect(transaction.accountId == "user_x")
        #expect(transaction.email == nil)
        #expect(transaction.createdDate == Date(timeIntervalSince1970: 1_517_943_890.884))
        #expect(transaction.authDate == Date(timeIntervalSince1970: 1_517_943_899.268))
        #expect(transaction.authCode == "A1B2C3")
        #expect(transaction.testMode == true)
        #expect(transaction.cardFirstSix == "411111")
        #expect(transaction.cardLastFour == "1111")
        #expect(transaction.cardExpDate == "11/25")
        #expect(transaction.status == .completed)
        #expect(transaction.statusCode == 3)
        #expect(transaction.reasonCode == ReasonCode.none)
        #expect(transaction.token == "a4e67841-abb0-42de-a364-d1d8f9f4b3c0")
        #expect(transaction.gatewayName == "Tinkoff Test")
        #expect(transaction.refunded == false)
        #expect(transaction.totalFee?.minorUnits == 0)
        #expect(transaction.transactionDescription == "Оплата товаров в example.com")
        // The description is for logs: no token, no card digits.
        #expect(!transaction.description.contains("a4e67841"))
        #expect(!transaction.description.contains("411111"))
    }

    @Test("Success:false, Message:null, PaReq and AcsUrl without ReasonCode is 3-D Secure")
    func threeDS() throws {
        let result = try self.envelope(ProviderAnswers.requires3DS).chargeResult(allowing3DS: true)
        #expect(
            result
                == .requires3DS(
                    ThreeDSChallenge(
                        transactionId: 891_583,
                        paReq: "+/eyJNZXJjaGFudE5hbWUiOm51bGx9",
                        acsURL: "https://demo.cloudpayments.ru/acs",
                        threeDsSessionData: nil,
                        iFrameIsAllowed: true
                    )
                )
        )
        // Token payments have no 3-D Secure branch: that shape there is not one of their cases.
        #expect(throws: CloudPaymentsError.self) { try self.envelope(ProviderAnswers.requires3DS).paymentResult() }
    }

    @Test("Success:false, Message:null, a Model with ReasonCode != 0 is declined")
    func declined() throws {
        guard
            case .declined(let transaction) = try self.envelope(ProviderAnswers.declined).chargeResult(
                allowing3DS: true
            )
        else {
            Issue.record("not declined")
            return
        }
        #expect(transaction.reasonCode == .insufficientFunds)
        #expect(transaction.reasonCode?.name == "InsufficientFunds")
        #expect(transaction.reasonCode?.retryClass == .temporarilyNegative)
        #expect(transaction.status == .declined)
        #expect(transaction.amount.minorUnits == 1050)
        #expect(transaction.authDate == nil)
        #expect(try self.envelope(ProviderAnswers.declined).paymentResult() == .declined(transaction))
    }

    @Test("Success:false with a Message and no Model is an invalid request; 'Not found' is a miss")
    func requestInvalidAndNotFound() throws {
        do throws(CloudPaymentsError) {
            _ = try self.envelope(ProviderAnswers.requestInvalid).chargeResult(allowing3DS: true)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .requestInvalid)
            #expect(error.providerMessage == "Amount is required")
        }
        do throws(CloudPaymentsError) {
            _ = try self.envelope(ProviderAnswers.notFound).transaction()
            Issue.record("accepted")
        } catch {
            #expect(error.code == .notFound)
        }
    }

    @Test(
        "shapes matching none of the four cases are malformed, not guessed",
        arguments: [
            #"{"Success":false,"Message":null}"#,
            #"{"Success":false,"Message":null,"Model":{"TransactionId":1,"Amount":1,"Status":"Declined","ReasonCode":0}}"#,
            #"{"Success":false,"Message":"Declined","Model":{"TransactionId":1,"ReasonCode":5051}}"#,
            #"{"Success":false,"Message":null,"Model":{"TransactionId":1,"AcsUrl":"https://acs"}}"#,
            #"{"Success":true,"Message":null}"#,
            #"{"Message":null}"#,
            #"<html>502</html>"#,
        ]
    )
    func malformed(text: String) {
        #expect(throws: CloudPaymentsError.self) { try self.envelope(text).chargeResult(allowing3DS: true) }
    }

    @Test("a refund answers with the refund's own TransactionId; lists read Model arrays")
    func refundAndLists() throws {
        #expect(
            try self.envelope(#"{"Model":{"TransactionId":568},"Success":true,"Message":null}"#).refundTransactionId()
                == 568
        )
        let approved = try self.modelOf(ProviderAnswers.approved)
        let declined = try self.modelOf(ProviderAnswers.declined)
        let answer = #"{"Model":["# + approved + "," + declined + #"],"Success":true,"Message":null}"#
        let list = try self.envelope(answer).transactions()
        #expect(list.map(\.transactionId) == [891_463, 891_510])
        #expect(try self.envelope(#"{"Success":true,"Message":null,"Model":null}"#).transactions().isEmpty)
    }

    private func modelOf(_ answer: String) throws -> String {
        let value = try JSONReader.parse(answer)
        return try #require(value.objectValue?["Model"]).rendered
    }
}

@Suite("Loose provider types")
struct LooseTypeTests {
    private func transaction(_ extra: String) throws -> Transaction {
        let text = #"{"TransactionId":"42","Status":"Completed",\#(extra)}"#
        return try Transaction(model: LooseFields(try #require(try JSONReader.parse(text).objectValue)))
    }

    @Test("amounts as numbers or strings", arguments: [#""Amount":"123.40""#, #""Amount":123.40"#, #""Amount":123.4"#])
    func amounts(field: String) throws {
        #expect(try self.transaction(field).amount.minorUnits == 12_340)
    }

    @Test(
        "booleans as true/false, 1/0 or their strings",
        arguments: [
            (#""TestMode":true"#, true), (#""TestMode":1"#, true), (#""TestMode":"1""#, true),
            (#""TestMode":false"#, false), (#""TestMode":0"#, false), (#""TestMode":"False""#, false),
        ]
    )
    func booleans(field: String, value: Bool) throws {
        #expect(try self.transaction(#""Amount":1,\#(field)"#).testMode == value)
    }

    @Test("dates as /Date(ms)/ or the Iso twin, both UTC")
    func dates() throws {
        let expected = Date(timeIntervalSince1970: 1_407_583_781)
        #expect(try self.transaction(#""Amount":1,"CreatedDate":"\/Date(1407583781000)\/""#).createdDate == expected)
        #expect(try self.transaction(#""Amount":1,"CreatedDateIso":"2014-08-09T11:29:41""#).createdDate == expected)
        #expect(
            try self.transaction(#""Amount":1,"CreatedDate":null,"CreatedDateIso":"2014-08-09T11:29:41""#).createdDate
                == expected
        )
        #expect(throws: CloudPaymentsError.self) { try self.transaction(#""Amount":1,"CreatedDate":"yesterday""#) }
    }

    @Test("InvoiceId and AccountId numeric or string")
    func ids() throws {
        let numeric = try self.transaction(#""Amount":1,"InvoiceId":1234567,"AccountId":42"#)
        #expect(numeric.invoiceId == "1234567")
        #expect(numeric.accountId == "42")
        let text = try self.transaction(#""Amount":1,"InvoiceId":"inv-1","AccountId":"user""#)
        #expect(text.invoiceId == "inv-1")
        #expect(numeric.transactionId == 42)
    }

    @Test("JsonData as an object or as a string holding one")
    func jsonData() throws {
        let object = try self.transaction(#""Amount":1,"JsonData":{"plan":"pro","n":1.50}"#)
        #expect(object.jsonData == #"{"plan":"pro","n":1.50}"#)
        let string = try self.transaction(#""Amount":1,"JsonData":"{\"plan\":\"pro\"}""#)
        #expect(string.jsonData == #"{"plan":"pro"}"#)
    }

    @Test("keys are read case-insensitively; unknown statuses and reason codes are kept")
    func caseAndUnknowns() throws {
        let text = #"{"transactionid":7,"AMOUNT":"2.00","currency":"usd","status":"Frozen","ReasonCode":7777}"#
        let transaction = try Transaction(model: LooseFields(try #require(try JSONReader.parse(text).objectValue)))
        #expect(transaction.amount == (try Money(minorUnits: 200, currency: .usd)))
        #expect(transaction.status == .unknown("Frozen"))
        #expect(transaction.reasonCode?.rawValue == 7777)
        #expect(transaction.reasonCode?.name == nil)
    }

    @Test("a currency missing from the table is an error, not a guess")
    func unknownCurrency() {
        #expect(throws: CloudPaymentsError.self) { try self.transaction(#""Amount":1,"Currency":"XTS""#) }
    }
}
