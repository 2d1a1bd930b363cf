#pragma once
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
// The owner thread polls the AMQP socket together with an eventfd that wakes it for commands;
// Glibc's Swift module does not include eventfd.
#include <sys/eventfd.h>

// Swift cannot call C variadic functions; amqp_login is one, so PLAIN login gets a fixed-arity
// wrapper here.
static inline amqp_rpc_reply_t boxoffice_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                          int channel_max, int frame_max, int heartbeat,
                                                          const char *user, const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}
