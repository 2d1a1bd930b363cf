import CRabbitMQ
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension ConnectionOwner {
    /// Reads and dispatches the frames that have arrived, without waiting for more.
    func readFrames(_ session: AMQPSession) throws(RabbitMQError) {
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        var frame = amqp_frame_t()
        for _ in 0..<Self.framesPerTurnMax {
            let status = amqp_simple_wait_frame_noblock(session.state, &frame, &zero)
            if status == AMQP_STATUS_TIMEOUT.rawValue { break }
            try session.check(status: status, doing: "read from the broker")
            try self.dispatch(frame, session: session)
            guard self.session === session else { return }
        }
        amqp_maybe_release_buffers(session.state)
    }

    private func dispatch(_ frame: amqp_frame_t, session: AMQPSession) throws(RabbitMQError) {
        let channel = frame.channel
        switch Int32(frame.frame_type) {
        case AMQP_FRAME_METHOD:
            try self.dispatchMethod(frame.payload.method, channel: channel, session: session)
        case AMQP_FRAME_HEADER:
            guard var content = self.pendingContent[channel], let decoded = frame.payload.properties.decoded else {
                return
            }
            let properties = decoded.assumingMemoryBound(to: amqp_basic_properties_t.self).pointee
            content.readProperties(properties, bodySize: Int(frame.payload.properties.body_size))
            self.store(content, channel: channel)
        case AMQP_FRAME_BODY:
            guard var content = self.pendingContent[channel] else { return }
            content.body.append(contentsOf: [UInt8](amqpBytes: frame.payload.body_fragment))
            self.store(content, channel: channel)
        default:
            break
        }
    }

    private func dispatchMethod(_ method: amqp_method_t, channel: UInt16, session: AMQPSession) throws(RabbitMQError) {
        switch method.id {
        case AMQP_BASIC_ACK_METHOD where channel == Self.confirmChannel:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            for (continuation, outcome) in self.confirms.ack(deliveryTag: ack.delivery_tag, multiple: ack.multiple != 0)
            {
                Self.resume(continuation, with: outcome)
            }
        case AMQP_BASIC_NACK_METHOD where channel == Self.confirmChannel:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            for (continuation, outcome) in self.confirms.nack(
                deliveryTag: nack.delivery_tag,
                multiple: nack.multiple != 0
            ) {
                Self.resume(continuation, with: outcome)
            }
        case AMQP_BASIC_RETURN_METHOD:
            let returned = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            self.pendingContent[channel] = PendingContent(
                kind: .returned(replyText: String(amqpBytes: returned.reply_text))
            )
        case AMQP_BASIC_DELIVER_METHOD:
            let deliver = method.decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            self.pendingContent[channel] = PendingContent(
                kind: .delivery(
                    deliveryTag: deliver.delivery_tag,
                    redelivered: deliver.redelivered != 0,
                    routingKey: String(amqpBytes: deliver.routing_key)
                )
            )
        case AMQP_BASIC_CANCEL_METHOD:
            // The broker ends a subscription itself when its queue is deleted.
            if let consumer = self.consumersByChannel[channel] {
                self.consumers[consumer.id] = nil
                self.dropSubscription(of: consumer)
                consumer.continuation.finish(
                    throwing: RabbitMQError(
                        code: .channelClosed,
                        message: "the broker cancelled the consumer of \(consumer.queue)"
                    )
                )
            }
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            session.sendChannelCloseOk(channel)
            self.channelClosed(channel, reason: String(amqpBytes: close.reply_text), session: session)
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            session.sendConnectionCloseOk()
            throw RabbitMQError(
                code: .connectionLost,
                message: "the broker closed the connection: \(String(amqpBytes: close.reply_text))"
            )
        case AMQP_CONNECTION_BLOCKED_METHOD:
            self.logger.warning("RabbitMQ blocked publishing (resource alarm)")
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            self.logger.info("RabbitMQ unblocked publishing")
        default:
            self.logger.debug(
                "RabbitMQ ignored a method",
                metadata: ["method": "\(method.id)", "channel": "\(channel)"]
            )
        }
    }

    private func store(_ content: PendingContent, channel: UInt16) {
        guard content.isComplete else {
            self.pendingContent[channel] = content
            return
        }
        self.pendingContent[channel] = nil
        switch content.kind {
        case .returned(let replyText):
            guard channel == Self.confirmChannel, let messageID = content.messageID else { return }
            if !self.confirms.markReturned(messageID: messageID) {
                self.logger.debug("RabbitMQ returned an unknown message", metadata: ["reply": "\(replyText)"])
            }
        case .delivery(let deliveryTag, let redelivered, let routingKey):
            guard let consumer = self.consumersByChannel[channel] else { return }
            consumer.unsettled.insert(deliveryTag)
            let delivery = RabbitMQDelivery(
                body: content.body,
                routingKey: routingKey,
                messageID: content.messageID,
                headers: content.headers,
                redelivered: redelivered,
                deliveryCount: content.deliveryCount,
                settler: DeliverySettler(
                    mailbox: self.mailbox,
                    subscription: consumer.subscription,
                    deliveryTag: deliveryTag
                )
            )
            consumer.continuation.yield(delivery)
        }
    }

    /// The broker closed a channel after an error on it (for example a publish to a missing
    /// exchange); the connection and the other channels live on.
    private func channelClosed(_ channel: UInt16, reason: String, session: AMQPSession) {
        self.pendingContent[channel] = nil
        self.logger.warning("RabbitMQ closed a channel", metadata: ["channel": "\(channel)", "reason": "\(reason)"])
        switch channel {
        case Self.confirmChannel:
            // Whether the outstanding messages were taken is unknown: they fail and are retried.
            let error = RabbitMQError(
                code: .channelClosed,
                message: "the broker closed the publishing channel: \(reason)"
            )
            for continuation in self.confirms.reset() { continuation.resume(throwing: error) }
            do {
                try session.openChannel(channel)
                _ = amqp_confirm_select(session.state, channel)
                try session.checkLastReply(channel: channel, doing: "enable publisher confirms")
            } catch {
                self.connectionLost(error)
            }
        case Self.utilityChannel:
            self.reopenUtilityChannel(session)
        default:
            guard let consumer = self.consumersByChannel[channel] else { return }
            self.dropSubscription(of: consumer)
            self.freeChannels.append(channel)
            self.consumers[consumer.id] = nil
            consumer.continuation.finish(
                throwing: RabbitMQError(
                    code: .channelClosed,
                    message: "the broker closed the consumer of \(consumer.queue): \(reason)"
                )
            )
        }
    }

    private static func resume(
        _ continuation: CheckedContinuation<Void, any Error>,
        with outcome: ConfirmTracker<CheckedContinuation<Void, any Error>>.Outcome
    ) {
        switch outcome {
        case .confirmed:
            continuation.resume()
        case .unroutable:
            continuation.resume(
                throwing: RabbitMQError(code: .unroutable, message: "no queue is bound for the message")
            )
        case .nacked:
            continuation.resume(throwing: RabbitMQError(code: .nacked, message: "the broker refused the message"))
        }
    }
}
