import CRabbitMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One rabbitmq-c connection. Every method must be called on the owner thread.
///
/// Errors are sorted by what the owner must do next: `.connectionLost` / `.notConnected` mean
/// the connection is unusable; `.channelClosed` means only that channel was closed by the broker
/// (the close was already answered with close-ok, so the number may be opened again).
final class AMQPSession {
    let state: amqp_connection_state_t

    /// Connects, logs in and sets the timeouts; throws `.notConnected`.
    init(configuration: RabbitMQConfiguration) throws(RabbitMQError) {
        guard let state = amqp_new_connection() else {
            throw RabbitMQError(code: .notConnected, message: "could not allocate a connection")
        }
        self.state = state
        let address = "\(configuration.host):\(configuration.port)"
        guard let socket = amqp_tcp_socket_new(state) else {
            amqp_destroy_connection(state)
            throw RabbitMQError(code: .notConnected, message: "could not create a socket for \(address)")
        }
        var timeout = timeval(duration: configuration.connectTimeout)
        let opened = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &timeout)
        guard opened == AMQP_STATUS_OK.rawValue else {
            amqp_destroy_connection(state)
            throw RabbitMQError(
                code: .notConnected,
                message: "could not connect to \(address): \(String(cString: amqp_error_string2(opened)))"
            )
        }
        _ = amqp_set_handshake_timeout(state, &timeout)
        _ = amqp_set_rpc_timeout(state, &timeout)
        let reply = boxoffice_amqp_login_plain(
            state,
            configuration.virtualHost,
            0,
            Int32(configuration.frameBytesMax),
            Int32(configuration.heartbeatSeconds),
            configuration.user,
            configuration.password
        )
        do {
            try self.check(reply, channel: 0, doing: "log in to \(address) as \(configuration.user)")
        } catch {
            amqp_destroy_connection(state)
            throw RabbitMQError(code: .notConnected, message: error.message)
        }
    }

    /// The socket to poll for input.
    var socketDescriptor: Int32 { amqp_get_sockfd(self.state) }

    /// True when frames were already read and wait to be taken, so polling the socket would miss them.
    var hasBufferedInput: Bool {
        amqp_frames_enqueued(self.state) != 0 || amqp_data_in_buffer(self.state) != 0
    }

    /// Closes the connection politely (bounded by the RPC timeout) and frees it.
    func close() {
        _ = amqp_connection_close(self.state, AMQP_REPLY_SUCCESS)
        amqp_destroy_connection(self.state)
    }

    /// Frees the connection without talking to the broker (it is gone).
    func destroy() {
        amqp_destroy_connection(self.state)
    }

    func openChannel(_ channel: UInt16) throws(RabbitMQError) {
        _ = amqp_channel_open(self.state, channel)
        try self.checkLastReply(channel: channel, doing: "open channel \(channel)")
    }

    func closeChannel(_ channel: UInt16) throws(RabbitMQError) {
        let reply = amqp_channel_close(self.state, channel, AMQP_REPLY_SUCCESS)
        try self.check(reply, channel: channel, doing: "close channel \(channel)")
    }

    /// Checks the reply of the last synchronous call (those that return a decoded pointer).
    func checkLastReply(channel: UInt16, doing action: @autoclosure () -> String) throws(RabbitMQError) {
        try self.check(amqp_get_rpc_reply(self.state), channel: channel, doing: action())
    }

    /// Turns an RPC reply into success or a sorted error, answering broker closes as the
    /// protocol requires.
    func check(
        _ reply: amqp_rpc_reply_t,
        channel: UInt16,
        doing action: @autoclosure () -> String
    ) throws(RabbitMQError) {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch reply.reply.id {
            case AMQP_CHANNEL_CLOSE_METHOD:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                let text = String(amqpBytes: close.reply_text)
                self.sendChannelCloseOk(channel)
                throw RabbitMQError(code: .channelClosed, message: "could not \(action()): \(text)")
            case AMQP_CONNECTION_CLOSE_METHOD:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                let text = String(amqpBytes: close.reply_text)
                self.sendConnectionCloseOk()
                throw RabbitMQError(code: .connectionLost, message: "could not \(action()): broker closed: \(text)")
            default:
                throw RabbitMQError(code: .connectionLost, message: "could not \(action()): unexpected reply")
            }
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            let text = String(cString: amqp_error_string2(reply.library_error))
            throw RabbitMQError(code: .connectionLost, message: "could not \(action()): \(text)")
        default:
            throw RabbitMQError(code: .connectionLost, message: "could not \(action()): connection closed")
        }
    }

    /// Turns a status code of a frame-level call into success or `.connectionLost`.
    func check(status: Int32, doing action: @autoclosure () -> String) throws(RabbitMQError) {
        guard status != AMQP_STATUS_OK.rawValue else { return }
        let text = String(cString: amqp_error_string2(status))
        throw RabbitMQError(code: .connectionLost, message: "could not \(action()): \(text)")
    }

    func sendChannelCloseOk(_ channel: UInt16) {
        var ok = amqp_channel_close_ok_t(dummy: 0)
        _ = amqp_send_method(self.state, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
        amqp_maybe_release_buffers_on_channel(self.state, channel)
    }

    func sendConnectionCloseOk() {
        var ok = amqp_connection_close_ok_t(dummy: 0)
        _ = amqp_send_method(self.state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
    }
}

extension timeval {
    init(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
