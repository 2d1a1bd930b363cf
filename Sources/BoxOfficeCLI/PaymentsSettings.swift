import BoxOfficeCloudPayments
import BoxOfficePayments
import BoxOfficeRuntime
import Configuration
import Foundation
import SystemPackage

/// The `payments.*` settings of `boxoffice payments serve` and `boxoffice ledger check`
/// (environment `PAYMENTS_*`, then the --config JSON file, then the local defaults).
struct PaymentsSettings: Sendable {
    /// The payments database's name on the server of `postgres.url`.
    static let databaseDefault = "boxoffice_payments"

    var database: String
    var rpcHost: String
    var payments: PaymentsConfiguration
    var reconcilerIdleMilliseconds: Int64

    /// Reads the environment, then `configFile`.
    static func load(configFile: String?, settings: Settings) async throws -> PaymentsSettings {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider()]
        if let configFile {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
        }
        return try PaymentsSettings(reader: ConfigReader(providers: providers), settings: settings)
    }

    init(reader: ConfigReader, settings: Settings) throws {
        let defaults = PaymentsConfiguration()
        self.database = reader.string(forKey: "payments.database", default: Self.databaseDefault)
        guard self.database.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !self.database.isEmpty else {
            throw SettingsError(key: "payments.database", reason: "must be letters, digits and _")
        }
        self.rpcHost = reader.string(forKey: "payments.rpc_host", default: "127.0.0.1")
        // A positive count of what the key names (seconds or milliseconds).
        func seconds(_ key: String, _ fallback: Int64) throws -> Int64 {
            let value = Int64(reader.int(forKey: ConfigKey(key), default: Int(fallback)))
            guard value > 0 else { throw SettingsError(key: key, reason: "must be positive") }
            return value
        }
        let cloudPayments = CloudPaymentsConfiguration(
            baseURL: reader.string(
                forKey: "payments.cloudpayments.base_url",
                default: defaults.cloudPayments.baseURL
            ),
            publicID: reader.string(
                forKey: "payments.cloudpayments.public_id",
                default: defaults.cloudPayments.publicID
            ),
            apiSecret: CloudPaymentsSecret(
                reader.string(
                    forKey: "payments.cloudpayments.api_secret",
                    isSecret: true,
                    default: "sandbox_api_secret"
                )
            ),
            requestTimeoutMilliseconds: try seconds(
                "payments.cloudpayments.timeout_milliseconds",
                CloudPaymentsConfiguration.requestTimeoutMillisecondsDefault
            ),
            connectTimeoutMilliseconds: try seconds(
                "payments.cloudpayments.connect_timeout_milliseconds",
                CloudPaymentsConfiguration.connectTimeoutMillisecondsDefault
            )
        )
        let port = reader.int(forKey: "payments.rpc_port", default: PaymentsConfiguration.rpcPortDefault)
        guard (0...65535).contains(port) else {
            throw SettingsError(key: "payments.rpc_port", reason: "must be between 0 and 65535")
        }
        let scheduleText = reader.string(
            forKey: "payments.reconcile_schedule_seconds",
            default: PaymentsConfiguration.reconcileScheduleSecondsDefault.map(String.init).joined(separator: ",")
        )
        let schedule = scheduleText.split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        guard !schedule.isEmpty, schedule.count == scheduleText.split(separator: ",").count,
            schedule.allSatisfy({ $0 > 0 })
        else {
            throw SettingsError(
                key: "payments.reconcile_schedule_seconds",
                reason: "must be positive seconds, comma separated"
            )
        }
        let notificationMaxAge = try seconds(
            "payments.notification_max_age_seconds",
            PaymentsConfiguration.notificationMaxAgeSecondsDefault
        )
        // Shorter than the provider's retry span would refuse the provider's own late retries.
        guard notificationMaxAge > PaymentsConfiguration.providerNotificationRetrySpanSeconds else {
            throw SettingsError(
                key: "payments.notification_max_age_seconds",
                reason: "must be longer than the provider's notification retry span of "
                    + "\(PaymentsConfiguration.providerNotificationRetrySpanSeconds) seconds"
            )
        }
        let idempotencyRetention = try seconds(
            "payments.idempotency_retention_seconds",
            defaults.idempotencyRetentionSeconds
        )
        // The contract promises callers that a key is honoured for at least 24 hours.
        guard idempotencyRetention >= PaymentsConfiguration.idempotencyRetentionSecondsDefault else {
            throw SettingsError(
                key: "payments.idempotency_retention_seconds",
                reason: "must be at least \(PaymentsConfiguration.idempotencyRetentionSecondsDefault) (24 hours)"
            )
        }
        self.payments = PaymentsConfiguration(
            cloudPayments: cloudPayments,
            rpcPort: port,
            threeDsTermURL: reader.string(forKey: "payments.three_ds_term_url", default: defaults.threeDsTermURL),
            returnURL: reader.string(forKey: "payments.return_url", default: defaults.returnURL),
            idempotencyRetentionSeconds: idempotencyRetention,
            idempotencyLockSeconds: try seconds("payments.idempotency_lock_seconds", defaults.idempotencyLockSeconds),
            pendingGraceSeconds: try seconds("payments.pending_grace_seconds", defaults.pendingGraceSeconds),
            reconcileScheduleSeconds: schedule,
            providerRequestIDWindowSeconds: try seconds(
                "payments.provider_request_id_window_seconds",
                defaults.providerRequestIDWindowSeconds
            ),
            providerTimeoutMilliseconds: try seconds(
                "payments.provider_timeout_milliseconds",
                defaults.providerTimeoutMilliseconds
            ),
            eventsExchange: reader.string(forKey: "payments.events_exchange", default: settings.eventsExchange),
            notificationMaxAgeSeconds: notificationMaxAge
        )
        self.reconcilerIdleMilliseconds = try seconds(
            "payments.reconciler_idle_milliseconds",
            PaymentReconciler.Options().idleIntervalMilliseconds
        )
    }
}
