import BoxOfficeRPC

/// One served route: a binding with its parsed template and what the gateway derived from it.
struct Route: Sendable {
    let binding: HTTPBinding
    let template: PathTemplate
    let access: Access
    /// `GET /v1/invoices/{invoiceId}`: the route's name in logs and metrics (never the raw path).
    let name: String
    /// For raw-body routes: whether the request message has a `headers` map to receive the
    /// request headers.
    let acceptsHeaders: Bool

    enum Access: Sendable {
        case everyone
        case user
        case admin
    }
}

/// Finds the route of a request path and verb: the template matchers of every binding, most
/// specific first (more literal segments, then a custom verb).
struct RouteTable: Sendable {
    /// What a lookup found.
    enum Match {
        case found(Route, parameters: [(name: String, value: String)])
        /// The path exists with other verbs: answer 405 with `Allow`.
        case wrongVerb(allowed: [String])
        case notFound
    }

    private let routesBySegmentCount: [Int: [Route]]

    init(_ routes: [Route]) {
        var grouped: [Int: [Route]] = [:]
        for route in routes {
            grouped[route.template.segments.count, default: []].append(route)
        }
        for key in grouped.keys {
            grouped[key]!.sort { $0.template.specificity > $1.template.specificity }
        }
        self.routesBySegmentCount = grouped
    }

    /// Looks up `path` (without the query) for `verb`.
    func match(verb: String, path: Substring) -> Match {
        guard path.first == "/" else { return .notFound }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        let count = segments.count == 1 && segments[0].isEmpty ? 0 : segments.count
        guard let candidates = self.routesBySegmentCount[count] else { return .notFound }
        var allowed: [String] = []
        var matchedSpecificity: Int?
        for route in candidates {
            // Only the most specific templates that fit decide: GET `/v1/subscriptions/x:cancel`
            // belongs to `…/{id}:cancel` (POST only, so 405), not to `…/{id}` with id `x:cancel`.
            if let matchedSpecificity, route.template.specificity < matchedSpecificity { break }
            guard let parameters = route.template.match(count == 0 ? [] : segments) else { continue }
            matchedSpecificity = route.template.specificity
            if route.binding.verb == verb { return .found(route, parameters: parameters) }
            if !allowed.contains(route.binding.verb) { allowed.append(route.binding.verb) }
        }
        return allowed.isEmpty ? .notFound : .wrongVerb(allowed: allowed)
    }
}
