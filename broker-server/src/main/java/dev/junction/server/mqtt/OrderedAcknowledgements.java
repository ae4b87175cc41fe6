package dev.junction.server.mqtt;

import dev.junction.core.queue.PublishRefused;
import dev.junction.core.store.StoreListener;
import dev.junction.mqtt.codec.MqttPacket;
import io.netty.channel.EventLoop;

import java.util.ArrayDeque;

/**
 * The acknowledgements of one connection that promise something durable (PUBACK, PUBREC, PUBCOMP, SUBACK,
 * UNSUBACK), sent in the order their packets arrived [MQTT-4.6.0-2, MQTT-4.6.0-3] and each only once the store has
 * what it acknowledges: what a client was told the broker has survives a crash. Event loop only, except the
 * store's callbacks, which are handed to the loop.
 */
final class OrderedAcknowledgements {
    interface Sink {
        void send(MqttPacket acknowledgement);

        /** The store failed a message: the publisher must not be told it has it. */
        void storeFailed(MqttPacket acknowledgement, Throwable failure);

        /**
         * A queue refused the message. MQTT 3.1.1 cannot say no, so the acknowledgement is withheld: the client
         * keeps the message and sends it again when it reconnects, and later acknowledgements still go out.
         */
        void withheld(MqttPacket acknowledgement, PublishRefused refusal);
    }

    /** Small at first: most connections never have more than a few acknowledgements waiting, many have none. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>(2);
    private final EventLoop loop;
    private final Sink sink;

    OrderedAcknowledgements(EventLoop loop, Sink sink) {
        this.loop = loop;
        this.sink = sink;
    }

    /** An acknowledgement to send after every earlier one, once {@link Pending#stored} has been called. */
    Pending afterStore(MqttPacket acknowledgement) {
        Pending entry = new Pending(acknowledgement);
        pending.add(entry);
        return entry;
    }

    /** An acknowledgement with nothing to wait for but the ones before it. */
    void send(MqttPacket acknowledgement) {
        if (pending.isEmpty()) {
            sink.send(acknowledgement);
        } else {
            Pending entry = new Pending(acknowledgement);
            entry.done = true;
            pending.add(entry);
        }
    }

    /** The connection is gone: nothing more is sent, and late callbacks find nothing to do. */
    void clear() {
        pending.forEach(entry -> entry.abandoned = true);
        pending.clear();
    }

    private void sendReady() {
        while (!pending.isEmpty() && pending.peek().done) {
            Pending ready = pending.poll();
            if (ready.failure instanceof PublishRefused refusal) {
                sink.withheld(ready.acknowledgement, refusal);
            } else {
                sink.send(ready.acknowledgement);
            }
        }
    }

    final class Pending implements StoreListener, Runnable {
        private MqttPacket acknowledgement;
        private boolean done;
        private boolean abandoned;
        private Throwable failure;

        Pending(MqttPacket acknowledgement) {
            this.acknowledgement = acknowledgement;
        }

        MqttPacket acknowledgement() {
            return acknowledgement;
        }

        /** Another acknowledgement in its place (an MQTT 5 reason code learnt after routing); before it is stored. */
        void replace(MqttPacket replacement) {
            acknowledgement = replacement;
        }

        @Override
        public void stored(Throwable failure) {
            this.failure = failure;
            if (loop.inEventLoop()) {
                run();
            } else {
                loop.execute(this);
            }
        }

        /** On the event loop. */
        @Override
        public void run() {
            if (abandoned) {
                return;
            }
            if (failure != null && !(failure instanceof PublishRefused)) {
                clear();
                sink.storeFailed(acknowledgement, failure);
                return;
            }
            done = true;
            sendReady();
        }
    }
}
