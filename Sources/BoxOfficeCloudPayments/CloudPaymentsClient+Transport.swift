import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CloudPaymentsClient {
    /// A call that may move money: any doubt after sending is `.outcomeUnknown`.
    func mutatingCall<Result: Sendable>(
        _ path: String,
        _ body: [UInt8],
        _ requestID: RequestID,
        _ timeoutMilliseconds: Int64?,
        _ interpret: (Envelope) throws(CloudPaymentsError) -> Result
    ) async throws(CloudPaymentsError) -> Result {
        let answer = try await self.send(path, body, requestID, timeoutMilliseconds)
        do throws(CloudPaymentsError) {
            return try interpret(try Envelope(parsing: answer))
        } catch let error where error.code == .requestInvalid || error.code == .notFound {
            throw error
        } catch {
            // We got an answer but cannot tell what it says: the money may have moved.
            throw CloudPaymentsError(
                code: .outcomeUnknown,
                message: "\(path): unreadable answer (\(error.code): \(error.message))",
                httpStatus: 200,
                underlying: error
            )
        }
    }

    /// A lookup: failures change nothing.
    func readingCall<Result: Sendable>(
        _ path: String,
        _ body: [UInt8],
        _ timeoutMilliseconds: Int64?,
        _ interpret: (Envelope) throws(CloudPaymentsError) -> Result
    ) async throws(CloudPaymentsError) -> Result {
        let answer = try await self.send(path, body, nil, timeoutMilliseconds)
        do throws(CloudPaymentsError) {
            return try interpret(try Envelope(parsing: answer))
        } catch let error where error.code == .requestInvalid || error.code == .notFound {
            throw error
        } catch {
            throw CloudPaymentsError(
                code: .malformedResponse,
                message: "\(path): \(error.message)",
                httpStatus: 200,
                underlying: error
            )
        }
    }

    /// POSTs `body` to `path` and returns the body of a 200 answer; a 429 is waited out.
    private func send(
        _ path: String,
        _ body: [UInt8],
        _ requestID: RequestID?,
        _ timeoutMilliseconds: Int64?
    ) async throws(CloudPaymentsError) -> [UInt8] {
        let isMutating = requestID != nil
        var request = HTTPClientRequest(url: self.configuration.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: self.authorization)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let requestID { request.headers.add(name: "X-Request-ID", value: requestID.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = TimeAmount.milliseconds(timeoutMilliseconds ?? self.configuration.requestTimeoutMilliseconds)
        var logger = self.logger
        logger[metadataKey: "cloudpayments.path"] = "\(path)"
        if let requestID { logger[metadataKey: "cloudpayments.request_id"] = "\(requestID.value)" }

        // The slot is held through 429 waits too: the point of waiting is to send less.
        return try await self.limiter.withPermit { () async throws(CloudPaymentsError) -> [UInt8] in
            var rateLimitRetries = 0
            while true {
                let response: HTTPClientResponse
                let answer: ByteBuffer
                do {
                    response = try await self.httpClient.execute(request, timeout: timeout, logger: logger)
                    answer = try await response.body.collect(upTo: self.configuration.responseBytesMax)
                } catch {
                    throw Self.transportError(error, path: path, isMutating: isMutating)
                }
                let status = Int(response.status.code)
                logger.debug("CloudPayments answered", metadata: ["cloudpayments.http_status": "\(status)"])
                switch status {
                case 200:
                    return Array(answer.readableBytesView)
                case 401:
                    // Authentication happens before anything is processed, so nothing moved.
                    throw CloudPaymentsError(
                        code: .unauthorized,
                        message: "\(path): wrong Public ID or API secret",
                        httpStatus: status
                    )
                case 429:
                    // 429 is the provider's concurrency cap: the request was refused before it
                    // was processed, so sending it again cannot charge twice (and the same
                    // X-Request-ID goes with it anyway).
                    guard rateLimitRetries < self.configuration.rateLimitRetriesMax else {
                        throw CloudPaymentsError(
                            code: .rateLimited,
                            message:
                                "\(path): still over the provider's concurrency cap after \(rateLimitRetries) retries",
                            httpStatus: status
                        )
                    }
                    let delayMilliseconds = self.configuration.rateLimitDelayMilliseconds << min(rateLimitRetries, 16)
                    rateLimitRetries += 1
                    logger.debug(
                        "CloudPayments rate limit; waiting",
                        metadata: ["cloudpayments.delay_ms": "\(delayMilliseconds)"]
                    )
                    do {
                        try await Task.sleep(for: .milliseconds(delayMilliseconds))
                    } catch {
                        throw CloudPaymentsError(
                            code: .notSent,
                            message: "\(path): cancelled while waiting out a 429",
                            httpStatus: status
                        )
                    }
                default:
                    throw CloudPaymentsError(
                        code: isMutating ? .outcomeUnknown : .unavailable,
                        message: isMutating
                            ? "\(path): unexpected HTTP status; the outcome is UNKNOWN"
                            : "\(path): unexpected HTTP status",
                        httpStatus: status
                    )
                }
            }
        }
    }

    /// Sorts a transport failure into "certainly not sent" and "maybe processed".
    ///
    /// Only failures to connect prove that no byte of the request left: the connection never
    /// existed. Everything else (timeouts, a connection closed mid-answer, cancellation) may
    /// come after the provider received the request, so for a mutating call it is UNKNOWN.
    static func transportError(_ error: any Error, path: String, isMutating: Bool) -> CloudPaymentsError {
        if Self.isBeforeSending(error) {
            return CloudPaymentsError(
                code: .notSent,
                message: "\(path): could not connect; the request was not sent",
                underlying: error
            )
        }
        if isMutating {
            return CloudPaymentsError(
                code: .outcomeUnknown,
                message: "\(path): no answer (\(Self.kind(of: error))); the outcome is UNKNOWN",
                underlying: error
            )
        }
        return CloudPaymentsError(
            code: .unavailable,
            message: "\(path): no answer (\(Self.kind(of: error)))",
            underlying: error
        )
    }

    private static func isBeforeSending(_ error: any Error) -> Bool {
        switch error {
        case let error as HTTPClientError:
            return [
                HTTPClientError.connectTimeout, .invalidURL, .emptyHost, .emptyScheme, .alreadyShutdown,
                .missingSocketPath, .tlsHandshakeTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout,
                .getConnectionFromPoolTimeout, .invalidProxyResponse, .proxyAuthenticationRequired,
            ].contains(error)
        case is NIOConnectionError:
            return true
        case let error as ChannelError:
            if case .connectTimeout = error { return true }
            return false
        case let error as IOError:
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        default:
            return false
        }
    }

    // A coarse, secret-free name for the failure (transport errors can echo URLs and headers).
    private static func kind(of error: any Error) -> String {
        switch error {
        case let error as HTTPClientError: "HTTPClientError.\(error.shortDescription)"
        case is IOError: "IOError"
        case is ChannelError: "ChannelError"
        case is CancellationError: "cancelled"
        default: String(describing: type(of: error))
        }
    }
}
