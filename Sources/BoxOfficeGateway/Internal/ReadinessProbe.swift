import BoxOfficeRPC

/// Asks every upstream whether it answers at all, for `/readyz`.
///
/// The probe calls a method no service has: a reachable server answers `UNIMPLEMENTED` (or any
/// status but the two below), an unreachable one fails `UNAVAILABLE` or runs into the probe's
/// deadline. So the transports need no health method of their own.
struct ReadinessProbe: Sendable {
    let upstreams: [(service: String, transport: any RPCClientTransport)]
    let timeout: Duration

    static let probeMethod = MethodDescriptor(
        service: "boxoffice.gateway.Readiness",
        method: "Probe",
        id: MethodDescriptor.stableID("boxoffice.gateway.Readiness/Probe")
    )

    /// The services whose upstream did not answer, sorted; empty when all did.
    func unreachableServices() async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for (service, transport) in self.upstreams {
                group.addTask {
                    do {
                        _ = try await transport.unary(
                            method: Self.probeMethod,
                            request: [],
                            options: CallOptions(timeout: self.timeout)
                        )
                        return nil
                    } catch let error as RPCError {
                        return error.code == .unavailable || error.code == .deadlineExceeded ? service : nil
                    } catch {
                        return service
                    }
                }
            }
            var unreachable: [String] = []
            for await service in group {
                if let service { unreachable.append(service) }
            }
            return unreachable.sorted()
        }
    }
}
