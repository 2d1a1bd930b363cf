/// Literal provider answers, shaped as CLOUDPAYMENTS.md and the provider's documentation show them.
enum ProviderAnswers {
    static let approved = #"""
        {"Model":{"ReasonCode":0,"PublicId":"pk_test","TerminalUrl":"http://test.test","TransactionId":891463,
        "Amount":10,"Currency":"RUB","CurrencyCode":0,"PaymentAmount":10,"PaymentCurrency":"RUB",
        "PaymentCurrencyCode":0,"InvoiceId":"1234567","AccountId":"user_x","Email":null,
        "Description":"Оплата товаров в example.com","JsonData":null,"CreatedDate":"\/Date(1517943890884)\/",
        "PayoutDate":null,"PayoutDateIso":null,"PayoutAmount":null,"CreatedDateIso":"2018-02-06T19:04:50",
        "AuthDate":"\/Date(1517943899268)\/","AuthDateIso":"2018-02-06T19:04:59",
        "ConfirmDate":"\/Date(1517943899268)\/","ConfirmDateIso":"2018-02-06T19:04:59","AuthCode":"A1B2C3",
        "TestMode":true,"Rrn":null,"OriginalTransactionId":null,"IpAddress":"123.123.123.123","IpCountry":"RU",
        "IpCity":"Уфа","IpLatitude":54.7355,"IpLongitude":55.991982,"CardFirstSix":"411111",
        "CardLastFour":"1111","CardExpDate":"11/25","CardType":"Visa","CardTypeCode":0,
        "IssuerBankCountry":"RU","Issuer":"Sberbank of Russia","Status":"Completed","StatusCode":3,
        "CultureName":"ru","Reason":"Approved","CardHolderMessage":"Оплата успешно проведена","Type":0,
        "Refunded":false,"Name":"CARDHOLDER NAME","Token":"a4e67841-abb0-42de-a364-d1d8f9f4b3c0",
        "SubscriptionId":null,"GatewayName":"Tinkoff Test","TotalFee":0},"Success":true,"Message":null}
        """#

    static let requires3DS = #"""
        {"Model":{"TransactionId":891583,"PaReq":"+/eyJNZXJjaGFudE5hbWUiOm51bGx9","GoReq":null,
        "AcsUrl":"https://demo.cloudpayments.ru/acs","ThreeDsSessionData":null,"IFrameIsAllowed":true,
        "FrameWidth":null,"FrameHeight":null,"ThreeDsCallbackId":"7be4d37f0a434c0a8a7fc0e328368d7d"},
        "Success":false,"Message":null}
        """#

    static let declined = #"""
        {"Model":{"ReasonCode":5051,"PublicId":"pk_test","TransactionId":891510,"Amount":10.50,"Currency":"RUB",
        "CurrencyCode":0,"PaymentAmount":10.50,"PaymentCurrency":"RUB","InvoiceId":"1234567","AccountId":"user_x",
        "CreatedDate":"\/Date(1517943890884)\/","CreatedDateIso":"2018-02-06T19:04:50","AuthDate":null,
        "AuthDateIso":null,"TestMode":true,"CardFirstSix":"400005","CardLastFour":"5556","CardExpDate":"11/25",
        "CardType":"Visa","Status":"Declined","StatusCode":5,"Reason":"InsufficientFunds",
        "CardHolderMessage":"Недостаточно средств на карте","Refunded":false,"Token":null},
        "Success":false,"Message":null}
        """#

    static let requestInvalid = #"{"Success":false,"Message":"Amount is required"}"#
    static let notFound = #"{"Success":false,"Message":"Not found"}"#
}
