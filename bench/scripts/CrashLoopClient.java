import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.MessageProperties;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The AMQP side of bench/scripts/crash-loop.sh, run with the single-file source launcher.
 *
 * <pre>
 * publish PORT CYCLE CONFIRMED_FILE  publishes persistent messages "CYCLE:SEQ" with confirms to the durable queue
 *                                    crash-loop until the broker dies, then writes the confirmed SEQs, one a line
 * verify PORT CONFIRMED_FILE...      drains the queue and checks that every message confirmed in those cycles is
 *                                    there exactly once and each cycle's messages are in order; exit 1 if not
 * </pre>
 */
public final class CrashLoopClient {
    private static final String QUEUE = "crash-loop";

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "publish" -> publish(Integer.parseInt(args[1]), args[2], Path.of(args[3]));
            case "verify" -> System.exit(verify(Integer.parseInt(args[1]),
                    List.of(args).subList(2, args.length).stream().map(Path::of).toList()));
            default -> throw new IllegalArgumentException("publish or verify, not " + args[0]);
        }
    }

    private static Connection connect(int port) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection();
    }

    private static void publish(int port, String cycle, Path confirmedFile) throws Exception {
        ConcurrentSkipListSet<Long> confirmed = new ConcurrentSkipListSet<>();
        ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
        try {
            Connection connection = connect(port);
            Channel channel = connection.createChannel();
            channel.queueDeclare(QUEUE, true, false, false, null);
            channel.confirmSelect();
            channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, outstanding, confirmed),
                    (tag, multiple) -> settle(tag, multiple, outstanding, null));
            for (long sequence = 1; ; sequence++) {
                outstanding.add(sequence);
                channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC,
                        (cycle + ":" + sequence).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException stopped) {
            // The broker was killed: what was confirmed until then is what must survive.
        } finally {
            List<String> lines = confirmed.stream().map(String::valueOf).toList();
            Files.write(confirmedFile, lines);
            System.out.println("cycle " + cycle + ": " + confirmed.size() + " confirmed");
        }
    }

    private static void settle(long tag, boolean multiple, ConcurrentSkipListSet<Long> outstanding,
                               ConcurrentSkipListSet<Long> confirmed) {
        var settled = multiple ? outstanding.headSet(tag, true) : outstanding.subSet(tag, true, tag, true);
        if (confirmed != null) {
            confirmed.addAll(settled);
        }
        settled.clear();
    }

    private static int verify(int port, List<Path> confirmedFiles) throws Exception {
        Map<String, List<Long>> received = new HashMap<>();
        LinkedBlockingQueue<String> bodies = new LinkedBlockingQueue<>();
        try (Connection connection = connect(port)) {
            Channel channel = connection.createChannel();
            int ready = channel.queueDeclarePassive(QUEUE).getMessageCount();
            channel.basicQos(1000);
            DeliverCallback onDelivery = (tag, delivery) -> bodies.add(new String(delivery.getBody(),
                    StandardCharsets.UTF_8));
            channel.basicConsume(QUEUE, true, onDelivery, tag -> {
            });
            for (int i = 0; i < ready; i++) {
                String body = bodies.poll(30, TimeUnit.SECONDS);
                if (body == null) {
                    System.out.println("FAIL: only " + i + " of " + ready + " messages delivered");
                    return 1;
                }
                int colon = body.indexOf(':');
                received.computeIfAbsent(body.substring(0, colon), c -> new ArrayList<>())
                        .add(Long.parseLong(body.substring(colon + 1)));
            }
        }
        long confirmedTotal = 0;
        long lost = 0;
        long duplicated = 0;
        long disordered = 0;
        for (Path file : confirmedFiles) {
            String cycle = file.getFileName().toString().replaceAll("\\D", "");
            List<Long> inQueue = received.getOrDefault(cycle, List.of());
            for (int i = 1; i < inQueue.size(); i++) {
                if (inQueue.get(i) < inQueue.get(i - 1)) {
                    disordered++;
                } else if (inQueue.get(i).equals(inQueue.get(i - 1))) {
                    duplicated++;
                }
            }
            Set<Long> present = new HashSet<>(inQueue);
            for (String line : Files.readAllLines(file)) {
                confirmedTotal++;
                if (!present.contains(Long.parseLong(line))) {
                    lost++;
                }
            }
        }
        long total = received.values().stream().mapToLong(List::size).sum();
        System.out.printf("after restart: %d confirmed, %d in the queue, %d lost, %d duplicated, %d out of order%n",
                confirmedTotal, total, lost, duplicated, disordered);
        return lost + duplicated + disordered == 0 ? 0 : 1;
    }
}
