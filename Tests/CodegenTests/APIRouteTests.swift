import BoxOfficeRPC
import Contracts
import Testing

/// The public API document (API.md, kept outside this repository) against the contracts: every
/// route it lists is bound by exactly one generated binding, no binding is undocumented, and the
/// 💳 routes require `Idempotency-Key`.
@Suite("Every route of API.md is bound")
struct APIRouteTests {
    /// API.md's route tables, copied by hand (the document lives outside the repository, and its
    /// tables abbreviate: `POST/GET/PATCH/DELETE /v1/admin/films[/{id}]`, `{check|pay|…}`), one
    /// `VERB path` per route with 💳 where API.md marks one. Path variables are compared by
    /// position only, so `{id}` matches `{filmId}`. Update this list with API.md.
    static let documentedRoutes: [String] = [
        // Public
        "GET /v1/products",
        "GET /v1/products/{productId}",
        "GET /.well-known/jwks.json",
        // User (bearer)
        "POST 💳 /v1/subscriptions",
        "GET /v1/subscriptions",
        "GET /v1/subscriptions/{id}",
        "POST /v1/subscriptions/{id}:cancel",
        "POST /v1/subscriptions/{id}:setAutoRenew",
        "GET /v1/invoices",
        "GET /v1/invoices/{id}",
        "POST 💳 /v1/invoices/{id}:pay",
        "POST 💳 /v1/payments/{id}:cancel",
        "GET /v1/payment-methods",
        "DELETE /v1/payment-methods/{id}",
        "GET /v1/statement",
        "GET /v1/entitlements",
        "POST /v1/entitlements/token",
        "GET /v1/entitlements/check",
        // Provider callbacks
        "POST /webhooks/cloudpayments/{check|pay|fail|confirm|refund|recurrent|cancel}",
        "POST /v1/payments/3ds/return",
        // Admin
        "POST /v1/admin/films",
        "GET /v1/admin/films",
        "GET /v1/admin/films/{id}",
        "PATCH /v1/admin/films/{id}",
        "DELETE /v1/admin/films/{id}",
        "POST /v1/admin/products",
        "GET /v1/admin/products",
        "GET /v1/admin/products/{id}",
        "PATCH /v1/admin/products/{id}",
        "POST /v1/admin/discounts",
        "GET /v1/admin/discounts",
        "GET /v1/admin/discounts/{id}",
        "PATCH /v1/admin/discounts/{id}",
        "DELETE /v1/admin/discounts/{id}",
        "GET /v1/admin/users/{userId}/invoices",
        "GET /v1/admin/users/{userId}/payments",
        "GET /v1/admin/payments",
        "POST 💳 /v1/admin/payments/{id}:refund",
        "GET /v1/admin/reports/revenue",
    ]

    /// API.md routes that are no binding: the gateway serves `/healthz`, `/readyz` and `/metrics`
    /// itself, and `GET /admin …` is the admin web panel (HTML pages, not a JSON route).
    static let unboundRoutes: Set<String> = ["GET /healthz", "GET /readyz", "GET /metrics", "GET /admin"]

    /// `VERB path` with every `{…}` reduced to `{}`: variables match by position.
    static func shape(verb: String, path: String) -> String {
        var out = ""
        var inVariable = false
        for character in path {
            if character == "{" {
                inVariable = true
                out += "{}"
            } else if character == "}" {
                inVariable = false
            } else if !inVariable {
                out.append(character)
            }
        }
        return verb + " " + out
    }

    /// The documented routes as shapes, each with whether API.md marks it 💳.
    static var documented: [String: Bool] {
        var routes: [String: Bool] = [:]
        for line in Self.documentedRoutes {
            let parts = line.split(separator: " ").map(String.init)
            let paying = parts.count == 3 && parts[1] == "💳"
            routes[Self.shape(verb: parts[0], path: parts[parts.count - 1])] = paying
        }
        return routes
    }

    @Test("API.md's routes and the contracts' bindings are the same set")
    func everyRouteBound() {
        let bindings = ContractsRegistry.httpBindings
        let bound = bindings.map { Self.shape(verb: $0.verb, path: $0.pathTemplate) }
        #expect(Set(bound).count == bound.count, "a route is bound twice")
        #expect(Self.documented.count == Self.documentedRoutes.count, "a route is listed twice")
        let missing = Set(Self.documented.keys).subtracting(bound)
        #expect(missing.isEmpty, "in API.md but not bound: \(missing.sorted())")
        let undocumented = Set(bound).subtracting(Self.documented.keys)
        #expect(undocumented.isEmpty, "bound but not in API.md: \(undocumented.sorted())")
        #expect(Self.unboundRoutes.isDisjoint(with: bound), "the gateway's own paths must not be bound")
    }

    @Test("exactly the 💳 routes require Idempotency-Key")
    func idempotencyKeys() {
        let documented = Self.documented
        for binding in ContractsRegistry.httpBindings {
            let shape = Self.shape(verb: binding.verb, path: binding.pathTemplate)
            guard let paying = documented[shape] else { continue }
            #expect(binding.idempotencyKeyRequired == paying, "\(shape): 💳 in API.md is \(paying)")
        }
        #expect(documented.values.filter { $0 }.count == 4)
    }
}
