import CRabbitMQ
import Logging

extension ConnectionOwner {
    /// Carries out one command, or keeps it for the next connection when there is none.
    func handle(_ command: Command) {
        switch command {
        case .subscribe(let consumer):
            self.consumers[consumer.id] = consumer
            if self.session != nil { self.subscribe(consumer) }
            return
        case .unsubscribe(let consumerID):
            self.unsubscribe(consumerID)
            return
        case .settle(let settlement):
            self.settle(settlement)
            return
        case .publish, .administer:
            break
        }
        guard let session = self.session else {
            self.waiting.append(command)
            return
        }
        switch command {
        case .publish(let request):
            self.publish(request, on: session)
        case .administer(let request):
            self.administer(request, on: session)
        case .subscribe, .unsubscribe, .settle:
            break
        }
    }

    // MARK: Publishing

    private func publish(_ request: PublishRequest, on session: AMQPSession) {
        let arena = CArena()
        let message = request.message
        var properties = amqp_basic_properties_t()
        properties._flags = amqp_flags_t(
            AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG
        )
        properties.content_type = arena.bytes(message.contentType)
        properties.delivery_mode = UInt8(AMQP_DELIVERY_PERSISTENT.rawValue)
        properties.message_id = arena.bytes(message.messageID)
        if !message.headers.isEmpty {
            properties._flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
            properties.headers = arena.table(
                message.headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }
            )
        }
        let channel = request.confirm ? Self.confirmChannel : Self.utilityChannel
        if request.confirm {
            _ = self.confirms.register(messageID: message.messageID, token: request.continuation)
        }
        let status = amqp_basic_publish(
            session.state,
            channel,
            arena.bytes(message.exchange),
            arena.bytes(message.routingKey),
            1,
            0,
            &properties,
            arena.bytes(message.body)
        )
        do {
            try session.check(status: status, doing: "publish")
        } catch {
            if !request.confirm { request.continuation.resume(throwing: error) }
            // The confirmed request is in the tracker and fails with every other outstanding one.
            self.connectionLost(error)
            return
        }
        if !request.confirm { request.continuation.resume() }
    }

    // MARK: Consuming

    func subscribe(_ consumer: ConsumerHandle) {
        guard let session = self.session else { return }
        let channel = self.freeChannels.popLast() ?? self.allocateChannel()
        do {
            try session.openChannel(channel)
            _ = amqp_basic_qos(session.state, channel, 0, consumer.prefetch, 0)
            try session.checkLastReply(channel: channel, doing: "set the prefetch of \(consumer.queue)")
            let arena = CArena()
            _ = amqp_basic_consume(
                session.state,
                channel,
                arena.bytes(consumer.queue),
                amqp_empty_bytes,
                0,
                0,
                0,
                amqp_empty_table
            )
            try session.checkLastReply(channel: channel, doing: "consume from \(consumer.queue)")
        } catch {
            if error.code == .channelClosed {
                // The queue is missing or not ours to read: the consumer cannot work on any connection.
                self.freeChannels.append(channel)
                self.consumers[consumer.id] = nil
                consumer.continuation.finish(throwing: error)
            } else {
                self.connectionLost(error)
            }
            return
        }
        consumer.channel = channel
        consumer.subscription = self.mailbox.makeID()
        consumer.unsettled = []
        self.consumersByChannel[channel] = consumer
        self.consumersBySubscription[consumer.subscription] = consumer
        self.logger.debug(
            "RabbitMQ consumer subscribed",
            metadata: ["queue": "\(consumer.queue)", "channel": "\(channel)"]
        )
    }

    private func allocateChannel() -> UInt16 {
        defer { self.nextChannel += 1 }
        return self.nextChannel
    }

    private func unsubscribe(_ consumerID: UInt64) {
        guard let consumer = self.consumers.removeValue(forKey: consumerID) else { return }
        consumer.continuation.finish()
        guard let channel = consumer.channel, let session = self.session else { return }
        self.dropSubscription(of: consumer)
        do {
            // Closing the channel cancels the subscription and hands unacked deliveries back.
            try session.closeChannel(channel)
            self.freeChannels.append(channel)
        } catch {
            if error.code != .channelClosed { self.connectionLost(error) }
        }
    }

    func dropSubscription(of consumer: ConsumerHandle) {
        if let channel = consumer.channel { self.consumersByChannel[channel] = nil }
        self.consumersBySubscription[consumer.subscription] = nil
        consumer.channel = nil
        consumer.unsettled = []
    }

    private func settle(_ settlement: Settlement) {
        guard let session = self.session,
            let consumer = self.consumersBySubscription[settlement.subscription],
            let channel = consumer.channel,
            consumer.unsettled.remove(settlement.deliveryTag) != nil
        else {
            settlement.continuation.resume(
                throwing: RabbitMQError(
                    code: .staleDelivery,
                    message: "the delivery was already settled or its connection is gone; the broker redelivers it"
                )
            )
            return
        }
        let status: Int32
        switch settlement.action {
        case .ack:
            status = amqp_basic_ack(session.state, channel, settlement.deliveryTag, 0)
        case .nack(let requeue):
            status = amqp_basic_nack(session.state, channel, settlement.deliveryTag, 0, requeue ? 1 : 0)
        case .reject:
            status = amqp_basic_reject(session.state, channel, settlement.deliveryTag, 0)
        }
        do {
            try session.check(status: status, doing: "settle a delivery")
            settlement.continuation.resume()
        } catch {
            settlement.continuation.resume(throwing: error)
            self.connectionLost(error)
        }
    }

    // MARK: Administration

    private func administer(_ request: AdminRequest, on session: AMQPSession) {
        let arena = CArena()
        let channel = Self.utilityChannel
        do {
            switch request.operation {
            case .purge(let queue):
                let ok = amqp_queue_purge(session.state, channel, arena.bytes(queue))
                try session.checkLastReply(channel: channel, doing: "purge \(queue)")
                request.continuation.resume(returning: Int(ok?.pointee.message_count ?? 0))
            case .messageCount(let queue):
                let ok = amqp_queue_declare(session.state, channel, arena.bytes(queue), 1, 0, 0, 0, amqp_empty_table)
                try session.checkLastReply(channel: channel, doing: "look up \(queue)")
                request.continuation.resume(returning: Int(ok?.pointee.message_count ?? 0))
            case .deleteTopology:
                try Self.delete(self.topology, on: session, channel: channel)
                request.continuation.resume(returning: 0)
            }
        } catch {
            request.continuation.resume(throwing: error)
            if error.code == .channelClosed {
                self.reopenUtilityChannel(session)
            } else {
                self.connectionLost(error)
            }
        }
    }

    func reopenUtilityChannel(_ session: AMQPSession) {
        do {
            try session.openChannel(Self.utilityChannel)
        } catch {
            self.connectionLost(error)
        }
    }

    // MARK: Topology

    static func declare(_ topology: RabbitMQTopology, on session: AMQPSession, channel: UInt16) throws(RabbitMQError) {
        let arena = CArena()
        let state = session.state
        _ = amqp_exchange_declare(
            state,
            channel,
            arena.bytes(topology.exchange),
            arena.bytes("topic"),
            0,
            1,
            0,
            0,
            amqp_empty_table
        )
        try session.checkLastReply(channel: channel, doing: "declare exchange \(topology.exchange)")
        _ = amqp_exchange_declare(
            state,
            channel,
            arena.bytes(topology.deadLetterExchange),
            arena.bytes("direct"),
            0,
            1,
            0,
            0,
            amqp_empty_table
        )
        try session.checkLastReply(channel: channel, doing: "declare exchange \(topology.deadLetterExchange)")
        for queue in topology.queues {
            let deadLetterArguments = arena.table([("x-queue-type", .string("quorum"))])
            _ = amqp_queue_declare(
                state,
                channel,
                arena.bytes(queue.deadLetterQueueName),
                0,
                1,
                0,
                0,
                deadLetterArguments
            )
            try session.checkLastReply(channel: channel, doing: "declare queue \(queue.deadLetterQueueName)")
            _ = amqp_queue_bind(
                state,
                channel,
                arena.bytes(queue.deadLetterQueueName),
                arena.bytes(topology.deadLetterExchange),
                arena.bytes(queue.name),
                amqp_empty_table
            )
            try session.checkLastReply(channel: channel, doing: "bind queue \(queue.deadLetterQueueName)")

            let arguments = arena.table([
                ("x-queue-type", .string("quorum")),
                ("x-dead-letter-exchange", .string(topology.deadLetterExchange)),
                ("x-dead-letter-routing-key", .string(queue.name)),
                ("x-delivery-limit", .integer(Int64(queue.deliveryLimit))),
            ])
            _ = amqp_queue_declare(state, channel, arena.bytes(queue.name), 0, 1, 0, 0, arguments)
            try session.checkLastReply(channel: channel, doing: "declare queue \(queue.name)")
            for key in queue.bindingKeys {
                _ = amqp_queue_bind(
                    state,
                    channel,
                    arena.bytes(queue.name),
                    arena.bytes(topology.exchange),
                    arena.bytes(key),
                    amqp_empty_table
                )
                try session.checkLastReply(channel: channel, doing: "bind queue \(queue.name) with \(key)")
            }
        }
    }

    static func delete(_ topology: RabbitMQTopology, on session: AMQPSession, channel: UInt16) throws(RabbitMQError) {
        let arena = CArena()
        let state = session.state
        for queue in topology.queues {
            for name in [queue.name, queue.deadLetterQueueName] {
                _ = amqp_queue_delete(state, channel, arena.bytes(name), 0, 0)
                try session.checkLastReply(channel: channel, doing: "delete queue \(name)")
            }
        }
        for exchange in [topology.exchange, topology.deadLetterExchange] {
            _ = amqp_exchange_delete(state, channel, arena.bytes(exchange), 0)
            try session.checkLastReply(channel: channel, doing: "delete exchange \(exchange)")
        }
    }
}
