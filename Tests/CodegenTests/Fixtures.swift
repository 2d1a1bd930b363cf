import BoxOfficeProtobuf
import TestContracts

/// Messages that set every feature of the test contract, shared by the suites.
enum Fixtures {
    static var scalars: Codegentest_V1_Scalars {
        var message = Codegentest_V1_Scalars()
        message.doubleValue = 1.5
        message.floatValue = -2.25
        message.int32Value = -123_456
        message.int64Value = -9_007_199_254_740_993
        message.uint32Value = 4_000_000_000
        message.uint64Value = 18_000_000_000_000_000_000
        message.sint32Value = -42
        message.sint64Value = -4_200_000_000
        message.fixed32Value = 0xdead_beef
        message.fixed64Value = 0x0123_4567_89ab_cdef
        message.sfixed32Value = -7
        message.sfixed64Value = -70_000_000_000
        message.boolValue = true
        message.stringValue = "héllo \"wörld\" ✓ \n tab\t"
        message.bytesValue = [0, 1, 2, 0xfe, 0xff]
        message.color = .blue
        message.doubles = [0.1, -1e300, 3]
        message.floats = [0.5, -0.25]
        message.int32s = [1, -1, Int32.max, Int32.min]
        message.int64s = [Int64.max, Int64.min, 0]
        message.uint32s = [0, UInt32.max]
        message.uint64s = [UInt64.max, 1]
        message.sint32s = [-1, 1]
        message.sint64s = [Int64.min, Int64.max]
        message.fixed32s = [7, 8]
        message.fixed64s = [9, 10]
        message.sfixed32s = [-11, 12]
        message.sfixed64s = [-13, 14]
        message.bools = [true, false, true]
        message.strings = ["a", "", "ünïcödé"]
        message.bytesList = [[1], [], [0xff, 0]]
        message.colors = [.red, .infrared, .unrecognized(42)]
        return message
    }

    static var item: Codegentest_V1_Composite.Item {
        var item = Codegentest_V1_Composite.Item()
        item.name = "ticket"
        item.quantity = 3
        item.kind = .digital
        return item
    }

    static func composite(choice: Codegentest_V1_Composite.Choice?) -> Codegentest_V1_Composite {
        var message = Codegentest_V1_Composite()
        message.id = "cmp_1"
        message.mainItem = Self.item
        message.items = [Self.item, Codegentest_V1_Composite.Item()]
        message.itemsByName = ["ticket": Self.item, "empty": Codegentest_V1_Composite.Item()]
        message.labels = [1: "one", -2: "minus two"]
        message.counters = [Int64.max: Int64.min, 0: 5]
        message.flags = [true: "yes", false: "no"]
        message.colorsByID = [7: .green, 8: .unrecognized(99)]
        message.attributes = ["k": "v", "empty": ""]
        message.choice = choice
        message.createdAt = ProtobufTimestampFixture.value
        message.history = [ProtobufTimestampFixture.value, .init(seconds: -1, nanos: 500_000_000)]
        message.nickname = ""
        message.limit = Int64.min
        message.smallLimit = 0
        message.enabled = false
        message.ratio = 0.75
        message.blob = [1, 2, 3]
        message.bigCount = UInt64.max
        message.count = 17
        message.weight = 1.25
        message.scalars = Self.scalars
        message.defaultKind = .physical
        return message
    }

    /// One message per oneof case, and none.
    static var composites: [Codegentest_V1_Composite] {
        [
            Self.composite(choice: nil),
            Self.composite(choice: .choiceText("")),
            Self.composite(choice: .choiceText("text")),
            Self.composite(choice: .choiceNumber(-5)),
            Self.composite(choice: .choiceItem(Self.item)),
            Self.composite(choice: .choiceItem(Codegentest_V1_Composite.Item())),
            Self.composite(choice: .choiceColor(.unspecified)),
            Self.composite(choice: .choiceColor(.red)),
        ]
    }

    /// The ten-line invoice of the `codec` benchmark.
    static var invoice: Codegentest_V1_Invoice {
        var invoice = Codegentest_V1_Invoice()
        invoice.invoiceID = "inv_2024_000123"
        invoice.customerID = "cus_9f8e7d6c5b4a"
        invoice.customerEmail = "jane.doe@example.com"
        var address = Codegentest_V1_Invoice.Address()
        address.name = "Jane Doe"
        address.line1 = "12 Rue de Rivoli"
        address.city = "Paris"
        address.postalCode = "75001"
        address.country = "FR"
        invoice.billingAddress = address
        for index in 0..<10 {
            var line = Codegentest_V1_Invoice.Line()
            line.sku = "SKU-\(1000 + index)"
            line.description = "Concert ticket, category \(index), row \(index + 3)"
            line.quantity = Int32(index + 1)
            line.unitPrice = Self.money(4_500 + Int64(index) * 100)
            line.total = Self.money((4_500 + Int64(index) * 100) * Int64(index + 1))
            line.taxCode = "FR-VAT-20"
            invoice.lines.append(line)
        }
        invoice.subtotal = Self.money(300_000)
        invoice.tax = Self.money(60_000)
        invoice.total = Self.money(360_000)
        invoice.status = .open
        invoice.issuedAtUnixSeconds = 1_714_000_000
        invoice.dueAtUnixSeconds = 1_716_592_000
        invoice.memo = "Thank you for your purchase."
        return invoice
    }

    /// A search with every query-parameter type set, and an enum whose values carry no prefix.
    static var search: Codegentest_V1_SearchInvoicesRequest {
        var search = Codegentest_V1_SearchInvoicesRequest()
        search.customerIds = ["a", "b"]
        search.status = .paid
        search.minTotalMinor = -5
        search.includeLines = true
        search.pageSize = 3
        search.order = .newestFirst
        search.issuedAfter = ProtobufTimestampFixture.value
        search.memo = ""
        return search
    }

    static func money(_ amountMinor: Int64) -> Codegentest_V1_Money {
        var money = Codegentest_V1_Money()
        money.amountMinor = amountMinor
        money.currency = "EUR"
        return money
    }

    /// A tree `depth` levels deep (the root counts as one).
    static func node(depth: Int) -> Codegentest_V1_Node {
        var node = Codegentest_V1_Node()
        node.label = "leaf"
        for level in 1..<depth {
            var parent = Codegentest_V1_Node()
            parent.label = "level \(level)"
            parent.children = [node]
            node = parent
        }
        return node
    }
}

enum ProtobufTimestampFixture {
    static let value = ProtobufTimestamp(seconds: 1_714_564_800, nanos: 250_000_000)
}
